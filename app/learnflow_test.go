package app_test

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app/learn"
	"github.com/tremplin-numerique/tremplin/app/learn/progress"
	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/event"
)

// playModule plays the module on screen to its end: Continuer on text
// steps, the right choices on choice questions, the right words in typing
// drills (the keyboard module's practice).
func playModule(t *testing.T, p *learn.Player) {
	t.Helper()
	for i := 0; p.End == nil; i++ {
		if i > 40 {
			t.Fatal("the module does not end")
		}
		if it, ok := p.Run().Item(); ok {
			switch {
			case p.Question != nil && (it.Kind == content.KindSingle || it.Kind == content.KindMultiple):
				for j, c := range p.Question.Choices {
					if it.Choices[p.Question.ChoiceOrder[j]].Correct {
						test.Tap(c)
					}
				}
				test.Tap(p.Validate)
			case p.Sandbox != nil:
				d, ok := p.Sandbox.(*sandbox.TypeDrill)
				if !ok {
					t.Fatalf("no driver for %T", p.Sandbox)
				}
				test.Type(d.Entry, it.Accept[0])
				test.Tap(d.Validate)
			default:
				t.Fatalf("no driver for %s", it.Kind)
			}
		}
		test.Tap(p.Continue)
	}
}

// TestLearnFromWelcome: "Apprendre" on the welcome screen opens the modules
// grid; a module plays to its end, journaled under the visit's learner
// (module.started and practice.attempt from the visit, step.done and
// module.completed from the module); "Refaire le test de ce domaine" starts
// a diagnostic of that domain's questions.
func TestLearnFromWelcome(t *testing.T) {
	f := newFixture(t)
	test.Tap(f.k.Welcome.Learn)
	g := f.k.LearnGrid
	if g == nil || len(g.Modules) == 0 {
		t.Fatal("Apprendre shows no modules")
	}
	test.Tap(g.Modules[slices.Index(g.ModuleIDs, "le-clavier")])
	p := f.k.Learn
	if p == nil || p.Run().Module().ID != "le-clavier" {
		t.Fatal("the module did not open")
	}
	playModule(t, p)
	learner := f.k.Visit().LearnerID()
	for typ, min := range map[string]int{event.TypeModuleStarted: 1, event.TypePracticeAttempt: 4, progress.TypeStepDone: len(p.Run().Module().Flow()), progress.TypeModuleCompleted: 1} {
		n := 0
		for _, e := range events(t, f.j, typ) {
			if e.LearnerID == learner {
				n++
			}
		}
		if n < min {
			t.Errorf("%d %s events for the visit's learner, want at least %d", n, typ, min)
		}
	}
	if !p.End.Retake.Visible() {
		t.Fatal("no Refaire le test")
	}
	test.Tap(p.End.Retake)
	q := f.k.Question
	if q == nil || q.Item().Domain != "equipement" {
		t.Fatalf("the retake shows %v, want an equipement question", q)
	}
}

// TestPractiseFromResults: each results line with a skill to work on has
// "Je m'entraîne", which opens the module teaching it.
func TestPractiseFromResults(t *testing.T) {
	f := newFixture(t)
	startTest(f.k)
	for f.k.Question != nil {
		test.Tap(f.k.Question.DontKnow)
		test.Tap(f.k.Question.Continue)
	}
	if f.k.Results == nil {
		t.Fatal("no results")
	}
	var row int = -1
	for i, r := range f.k.Results.Rows {
		if r.Practise.Visible() {
			row = i
			break
		}
	}
	if row < 0 {
		t.Fatal("no results line offers Je m'entraîne")
	}
	domain := f.k.Results.Rows[row].Domain
	test.Tap(f.k.Results.Rows[row].Practise)
	if f.k.Learn == nil || f.k.Learn.Run().Module().Domain != domain {
		t.Fatalf("Je m'entraîne of %s opened %v", domain, f.k.Learn)
	}
}
