package content_test

import (
	"strconv"
	"testing"

	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
)

// TestDefaultPackMeetsIssue5 is how CI proves the default French pack: zero
// errors from the full check (clips required), and the counts of issue 5.
func TestDefaultPackMeetsIssue5(t *testing.T) {
	p, probs := content.Check(assets.DefaultPack(), content.CheckOptions{Clips: content.ClipsRequired})
	warnings := 0
	for _, pr := range probs {
		if pr.Warning {
			warnings++
			continue
		}
		t.Errorf("%s", pr)
	}
	if warnings > 10 {
		t.Errorf("%d warnings, keep them few (at most 10)", warnings)
	}
	if p == nil {
		t.Fatal("pack did not load")
	}
	st := p.Stats(nil)
	if st.Items < 180 {
		t.Errorf("%d items, want at least 180", st.Items)
	}
	if st.Skills < 40 {
		t.Errorf("%d skills, want at least 40", st.Skills)
	}
	if len(st.Kinds) < 6 {
		t.Errorf("%d item kinds, want at least 6", len(st.Kinds))
	}
	for _, d := range []string{"equipement", "internet", "communiquer", "documents", "demarches"} {
		for l := 1; l <= 3; l++ {
			if n := st.ByDomain[d][strconv.Itoa(l)]; n < 8 {
				t.Errorf("domain %s level %d has %d items, want at least 8", d, l, n)
			}
		}
		if st.Questions[d] < 20 {
			t.Errorf("domain %s has %d diagnostic items, want at least 20", d, st.Questions[d])
		}
	}
	// Issue 14: coverage, pictures and a listening pace.
	if q := st.QuestionCount(); q < 260 {
		t.Errorf("%d questions, want at least 260", q)
	}
	if st.PicturedShare < 85 {
		t.Errorf("%.1f %% of questions pictured, want at least 85 %%", st.PicturedShare)
	}
	if pc := st.Pace; pc.Median < 120 || pc.Median > 150 || pc.Outside > 0 {
		t.Errorf("pace: median %.0f words per minute, %d clips outside %d–%d; want a median in 120–150 and none outside",
			pc.Median, pc.Outside, content.MinWPM, content.MaxWPM)
	}
	if st.VoiceCoverage != 100 {
		t.Errorf("voice coverage %.1f %%, want 100 %%", st.VoiceCoverage)
	}
	for _, it := range p.Items {
		if it.Hint == "" || it.Feedback.Correct == "" || it.Feedback.Incorrect == "" || it.SpokenText() == "" {
			t.Errorf("item %s lacks a hint, a feedback or a spoken text", it.ID)
		}
		if it.IRT == nil {
			t.Errorf("item %s has no IRT parameters", it.ID)
		}
	}
}
