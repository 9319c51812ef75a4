package sandbox_test

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	"github.com/tremplin-numerique/tremplin/app/theme"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
)

// rig runs one sandbox in a test window at the size the player gives it,
// with a catalogue, a clock the test moves and a record of everything.
type rig struct {
	t       *testing.T
	s       sandbox.Sandbox
	w       fyne.Window
	now     time.Time
	actions []sandbox.Action
	said    []string
	results []sandbox.Result
}

// catalogue returns the French sandbox texts, with {name} arguments.
func catalogue(t testing.TB, lang string) func(string, ...string) string {
	t.Helper()
	b, err := fs.ReadFile(assets.Translations(), "sandbox."+lang+".json")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return func(key string, args ...string) string {
		s, ok := m[key]
		if !ok {
			t.Errorf("no text for %q", key)
			return key
		}
		for i := 0; i+1 < len(args); i += 2 {
			s = strings.ReplaceAll(s, "{"+args[i]+"}", args[i+1])
		}
		return s
	}
}

func newRig(t *testing.T, it *content.Item) *rig {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(theme.New()) // the kiosk's sizes
	r := &rig{t: t, now: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	env := sandbox.Env{
		T:      catalogue(t, "fr"),
		Say:    func(s string) { r.said = append(r.said, s) },
		Record: func(a sandbox.Action) { r.actions = append(r.actions, a) },
		Now:    func() time.Time { return r.now },
	}
	s, err := sandbox.New(it, env, func(res sandbox.Result) { r.results = append(r.results, res) })
	if err != nil {
		t.Fatal(err)
	}
	r.s = s
	r.w = test.NewWindow(s.View())
	r.w.Resize(sandbox.ViewSize)
	t.Cleanup(r.w.Close)
	return r
}

// wait moves the test clock on.
func (r *rig) wait(d time.Duration) { r.now = r.now.Add(d) }

// last returns the only result so far, failing unless there is exactly one.
func (r *rig) result() sandbox.Result {
	r.t.Helper()
	if len(r.results) != 1 {
		r.t.Fatalf("%d results, want 1: %+v", len(r.results), r.results)
	}
	return r.results[0]
}

// kinds returns the kinds of the recorded actions.
func (r *rig) kinds() []string {
	var out []string
	for _, a := range r.actions {
		out = append(out, a.Kind+":"+a.Target)
	}
	return out
}

// abs returns the position of o in the window.
func (r *rig) abs(o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}

// mid returns the middle of o in the window.
func (r *rig) mid(o fyne.CanvasObject) fyne.Position {
	return r.abs(o).AddXY(o.Size().Width/2, o.Size().Height/2)
}
