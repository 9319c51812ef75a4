package app_test

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/paths"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/sync/event"
)

// TestMediatorFeatureScreensFit shows the screens of paths (the learner's
// row and the path maker), group sessions, the learners list, the
// learner's sheet and the device settings, each in a window put back
// to 1024×768 first, in French and English: a test window grows to what
// its content needs, so a screen that does not fit shows as a bigger
// window. With TREMPLIN_SHOTS=DIR each is kept as a PNG.
func TestMediatorFeatureScreensFit(t *testing.T) {
	for _, lang := range []string{"fr", "en"} {
		t.Run(lang, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			h, err := pin.Hash("246813")
			if err != nil {
				t.Fatal(err)
			}
			const code = "soleil-maison-chat-voiture"
			add := func(typ string, p any) {
				t.Helper()
				if _, err := f.j.Append(ctx, typ, "l-ana", p); err != nil {
					t.Fatal(err)
				}
			}
			add(event.TypeLearnerCreated, event.LearnerCreated{Anonymous: true})
			add(event.TypeLearnerCodeAssigned, event.LearnerCodeAssigned{PictureCode: code})
			add(event.TypeLearnerRenamed, event.LearnerRenamed{Name: "Maximilienne-Apolline de la Tour"})
			// A path of many modules: the row shows five.
			var skills []string
			for _, m := range f.pack.Modules[:8] {
				skills = append(skills, m.Skills[0])
			}
			p, err := paths.Make(f.pack, "Premiers pas avec l'ordinateur et Internet", skills, "m")
			if err != nil {
				t.Fatal(err)
			}
			add(event.TypePathAssigned, p)
			f.cat.SetLanguage(lang)
			f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice,
				Mediator: &fakeMediator{hash: h, j: f.j}, Site: "Médiathèque intercommunale de Saint-Léon-sur-Vézère"})
			f.k.Show(f.w)
			fits := func(name string, show func()) {
				t.Helper()
				f.w.Resize(fyne.NewSize(1024, 768))
				show()
				if s := f.w.Canvas().Size(); s.Width > 1024 || s.Height > 768 {
					t.Errorf("%s needs %v, more than 1024×768", name, s)
				}
				keepShot(t, f, "fit-"+lang+"-"+name)
			}
			open := func() {
				t.Helper()
				test.Tap(f.k.Welcome.Mediator)
				typePIN(f.k.PIN, "246813")
			}
			fits("space-path", func() { typeCode(t, f.k, code) })
			if f.k.Space == nil || f.k.Space.Path == nil || len(f.k.Space.Path.Cards) != 5 {
				t.Fatal("no path row of five cards")
			}
			f.k.EndVisit()
			fits("mediator", open)
			fits("settings", func() { test.Tap(f.k.Mediator.Settings) })
			test.Tap(f.k.Device.Back)
			fits("group-form", func() { test.Tap(f.k.Mediator.Group) })
			f.k.Group.Name.SetText("Atelier du mardi après-midi à la médiathèque")
			f.k.Group.People.SetText("12")
			fits("group-open", func() { test.Tap(f.k.Group.Start) })
			fits("group-summary", func() { test.Tap(f.k.Group.Summary) })
			test.Tap(f.k.GroupSummary.Back)
			test.Tap(f.k.Group.Back)
			fits("learners", func() { test.Tap(f.k.Mediator.People) })
			fits("learner", func() { f.k.Learners.List.Select(0) })
			// The path maker, with every skill of the framework ticked:
			// the tree scrolls, the window does not grow.
			fits("path-maker", func() {
				test.Tap(f.k.Learner.GivePath)
				f.k.PathEditor.Name.SetText("Premiers pas avec l'ordinateur et Internet à la médiathèque")
				for _, ch := range f.k.PathEditor.Skills {
					test.Tap(ch)
				}
			})
			if f.k.PathEditor == nil || len(f.k.PathEditor.Skills) == 0 {
				t.Fatal("no path maker")
			}
		})
	}
}
