package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// TestNewVisitResetsSettings: a visitor mutes the kiosk, switches to
// English and slows the voice; the next visitor — after "J'ai fini", or
// after the idle timeout on the welcome screen — meets the kiosk in
// French with sound on.
func TestNewVisitResetsSettings(t *testing.T) {
	f := newFixture(t)
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	v := &settingsVoice{volume: 1}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: v, Sound: v,
		Now: func() time.Time { return now }})
	f.k.Show(f.w)
	change := func() {
		test.Tap(f.k.Welcome.LangEN)
		test.Tap(f.k.Welcome.Sound.Mute)
		test.Tap(f.k.Welcome.Sound.Slower)
		test.Tap(f.k.Welcome.Sound.Quieter)
		if f.cat.Language() != "en" || !v.muted || !v.slower || v.volume >= 1 {
			t.Fatalf("settings not applied: %s muted %v slower %v volume %v", f.cat.Language(), v.muted, v.slower, v.volume)
		}
	}
	fresh := func(how string) {
		t.Helper()
		if f.cat.Language() != "fr" || v.muted || v.slower || v.volume != 1 || f.k.SoundOffShown() {
			t.Errorf("%s: the next visitor meets %s, muted %v, slower %v, volume %v", how, f.cat.Language(), v.muted, v.slower, v.volume)
		}
		if f.k.Welcome == nil || f.k.Welcome.Sound.Mute.Checked || f.k.Welcome.Sound.Slower.Checked {
			t.Errorf("%s: the welcome screen shows the previous visitor's settings", how)
		}
	}
	// 1. The visitor takes the test, then says they are done.
	change()
	startTest(f.k)
	test.Tap(f.k.Question.DontKnow)
	test.Tap(f.k.Question.Continue)
	stopTest(f.k)
	test.Tap(f.k.Results.Done)
	fresh("after J'ai fini")
	// 2. The visitor changes the settings and walks away.
	change()
	now = now.Add(app.IdleAsk)
	f.k.CheckIdle()
	fresh("after the idle timeout")
	// 3. Mid-test, the visitor leaves.
	change()
	startTest(f.k)
	now = now.Add(app.IdleAsk)
	f.k.CheckIdle()
	now = now.Add(app.IdleGiveUp)
	f.k.CheckIdle()
	fresh("after leaving mid-test")
}

// TestInstalledPackSpeaksItsClips: a pack loaded from a folder (as sync
// installs one) speaks from its own clips, not only the embedded pack's.
func TestInstalledPackSpeaksItsClips(t *testing.T) {
	f := newFixture(t)
	dir := filepath.Join(t.TempDir(), "pack")
	if err := os.CopyFS(dir, assets.DefaultPack()); err != nil {
		t.Fatal(err)
	}
	text := "Une phrase que seul le paquet installé sait dire."
	clip := filepath.Join(dir, content.ClipName("pico", text, "ogg"))
	if err := os.WriteFile(clip, []byte("OggS-test"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.k = app.New(app.Config{Seed: testSeed, Journal: f.j, Catalogue: f.cat, Voice: f.voice,
		LoadPack: func() (*content.Pack, error) { return content.Load(os.DirFS(dir)) }})
	f.k.Show(f.w)
	if _, _, ok := f.k.Clip(text); ok {
		t.Fatal("a clip before any pack was loaded")
	}
	startTest(f.k) // loads the pack
	name, data, ok := f.k.Clip(text)
	if !ok || string(data) != "OggS-test" || !strings.HasSuffix(name, ".ogg") {
		t.Fatalf("the installed pack's clip was not found: %q %v", name, ok)
	}
}

// TestStopAsksFirst: "J'arrête" asks, aloud, before ending; "Non" goes on;
// with no answer every domain says "pas encore testé" and no result is
// journaled.
func TestStopAsksFirst(t *testing.T) {
	f := newFixture(t)
	startTest(f.k)
	q := f.k.Question
	test.Tap(q.Stop)
	if f.k.Confirm == nil || f.k.Results != nil {
		t.Fatal("J'arrête ended the test without asking")
	}
	if f.voice.last() != f.cat.T("say.visit.stop") {
		t.Errorf("the question was not spoken: %q", f.voice.last())
	}
	test.Tap(f.k.Confirm.No)
	if f.k.Question != q || f.k.Confirm != nil {
		t.Fatal("Non, je continue did not go back to the question")
	}
	stopTest(f.k)
	if f.k.Results == nil {
		t.Fatal("no results after Oui, j'arrête")
	}
	for _, r := range f.k.Results.Rows {
		if r.Tested || r.Bar.Visible() || r.Word.Text != f.cat.T("visit.not_tested") {
			t.Errorf("%s with no answer shows %q (bar visible %v)", r.Domain, r.Word.Text, r.Bar.Visible())
		}
	}
	if evs := events(t, f.j, journal.TypeDiagnosticFinished); len(evs) != 0 {
		t.Errorf("a result was journaled with no answer: %s", evs[0].Payload)
	}
	if f.k.Results.Keep.Visible() {
		t.Error("a code is offered for a test with no answer")
	}
}

// TestCodedLearnersTestResumesOnlyWithTheCode: a returning learner's
// interrupted retake is not offered on the welcome screen; it is offered
// in their space once they typed their code.
func TestCodedLearnersTestResumesOnlyWithTheCode(t *testing.T) {
	f := newFixture(t)
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Now: clock})
	f.k.Show(f.w)
	startTest(f.k)
	f.answer(t, 0)
	test.Tap(f.k.Question.Continue)
	stopTest(f.k)
	test.Tap(f.k.Results.Keep)
	code := f.k.CodeShown.Code
	test.Tap(f.k.CodeShown.Done)
	typeCode(t, f.k, code)
	test.Tap(f.k.Space.Retake)
	f.answer(t, 0)
	test.Tap(f.k.Question.Continue)
	// The kiosk is killed; a new one opens the same journal.
	now = now.Add(2 * time.Minute)
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Now: clock})
	f.k.Show(f.w)
	if f.k.Welcome.Resume.Visible() {
		t.Fatal("a learner's interrupted test is offered to anyone")
	}
	typeCode(t, f.k, code)
	if !f.k.Space.Resume.Visible() {
		t.Fatal("the learner's space does not offer to resume")
	}
	test.Tap(f.k.Space.Resume)
	if f.k.Question == nil {
		t.Fatal("no question after resuming")
	}
	if evs := events(t, f.j, event.TypeSessionResumed); len(evs) != 1 {
		t.Errorf("%d session.resumed", len(evs))
	}
}

// typeCode goes to the picture keypad and touches the code's pictures.
func typeCode(t *testing.T, k *app.Kiosk, code string) {
	t.Helper()
	if k.Welcome == nil {
		t.Fatal("not on the welcome screen")
	}
	test.Tap(k.Welcome.CameBefore)
	for _, name := range strings.Split(code, "-") {
		for i, p := range learners.Pictograms {
			if p == name {
				test.Tap(k.CodePad.Keys[i])
			}
		}
	}
}

var _ = context.Background
