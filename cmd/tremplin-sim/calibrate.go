package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
)

// responseLine is one line of a responses file: either the simulator's own
// form {"learner", "item", "domain", "correct"} or a journal event
// {"type": "answer.recorded", "learner_id", "payload": {"learner_id",
// "item_id", "skill", "domain", "outcome", "correct"}}.
type responseLine struct {
	Type      string          `json:"type"`
	Learner   string          `json:"learner"`
	LearnerID string          `json:"learner_id"`
	Item      string          `json:"item"`
	ItemID    string          `json:"item_id"`
	Domain    string          `json:"domain"`
	Correct   *bool           `json:"correct"`
	Outcome   string          `json:"outcome"`
	Payload   json.RawMessage `json:"payload"`
}

// readResponses parses a JSON-lines responses file. Blank lines and events
// of other types are skipped; an answer with no learner, item or
// correctness is an error naming its line.
func readResponses(r io.Reader) ([]assessment.Observation, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	var obs []assessment.Observation
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var l responseLine
		if err := json.Unmarshal([]byte(text), &l); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if l.Type != "" && l.Type != "answer.recorded" {
			continue
		}
		if len(l.Payload) > 0 && string(l.Payload) != "null" {
			var p responseLine
			if err := json.Unmarshal(l.Payload, &p); err != nil {
				return nil, fmt.Errorf("line %d: payload: %w", line, err)
			}
			if p.LearnerID == "" && p.Learner == "" {
				p.LearnerID = l.LearnerID
			}
			l = p
		}
		o := assessment.Observation{Learner: first(l.Learner, l.LearnerID), Item: first(l.Item, l.ItemID), Domain: l.Domain}
		switch {
		case l.Correct != nil:
			o.Correct = *l.Correct
		case l.Outcome == "correct":
			o.Correct = true
		case l.Outcome == "incorrect" || l.Outcome == "dont-know" || l.Outcome == "dont_know":
		default:
			return nil, fmt.Errorf("line %d: no \"correct\" nor known \"outcome\"", line)
		}
		if o.Learner == "" || o.Item == "" {
			return nil, fmt.Errorf("line %d: no learner or no item", line)
		}
		obs = append(obs, o)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return obs, nil
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func cmdCalibrate(args []string) error {
	fs := newFlags("calibrate")
	in := fs.String("responses", "", "JSON-lines file of answers (simulator or journal form)")
	truth := fs.String("truth", "", "CSV id,domain,a,b of the true parameters, to report recovery")
	asJSON := fs.Bool("json", false, "print the estimates as JSON")
	out := fs.String("out", "", "write the estimates to this CSV (id,domain,a,b,n,p_correct), a pack's irt.csv")
	packDir := fs.String("pack", "", "keep only the answers to this pack's questions (a journal may hold other versions' items)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: calibrate --responses FILE [--truth FILE] [--json] [--out FILE]", errUsage)
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	obs, err := readResponses(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("read %s: %w", *in, err)
	}
	if *packDir != "" {
		p, err := content.Load(os.DirFS(*packDir))
		if err != nil {
			return fmt.Errorf("load pack %s: %w", *packDir, err)
		}
		kept := obs[:0]
		for _, o := range obs {
			if it, ok := p.Item(o.Item); ok && content.IsQuestion(it.Kind) {
				kept = append(kept, o)
			}
		}
		if len(kept) == 0 {
			return fmt.Errorf("no answer in %s is to a question of pack %s", *in, *packDir)
		}
		obs = kept
	}
	est, err := assessment.Calibrate(obs, assessment.CalibrateOptions{})
	if err != nil {
		return err
	}
	if *out != "" {
		if err := writeItems(*out, est); err != nil {
			return err
		}
	}
	var rec *recovery
	if *truth != "" {
		t, err := readItems(*truth)
		if err != nil {
			return err
		}
		rec = compare(est, t)
	}
	learners := map[string]bool{}
	for _, o := range obs {
		learners[o.Learner] = true
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Answers  int                       `json:"answers"`
			Learners int                       `json:"learners"`
			Items    []assessment.ItemEstimate `json:"items"`
			Recovery *recovery                 `json:"recovery,omitempty"`
		}{len(obs), len(learners), est, rec})
	}
	fmt.Fprintf(stdout, "%d answers from %d learners on %d items\n", len(obs), len(learners), len(est))
	if len(est) <= 60 {
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "item\tdomain\tanswers\tp correct\ta\tb\t")
		for _, e := range est {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.2f\t%.2f\t%+.2f\t\n", e.ID, e.Domain, e.N, e.PCorrect, e.A, e.B)
		}
		tw.Flush()
	}
	if rec != nil {
		corrA := fmt.Sprintf("%.3f", rec.CorrA)
		if rec.SameA {
			corrA = "undefined (every true a is the same)"
		}
		fmt.Fprintf(stdout, "recovery on %d items: correlation b %.3f, a %s; RMSE b %.3f, a %.3f\n", rec.Items, rec.CorrB, corrA, rec.RMSEB, rec.RMSEA)
	}
	return nil
}

// recovery compares estimates with true parameters.
type recovery struct {
	Items int     `json:"items"`
	CorrB float64 `json:"corr_b"`
	CorrA float64 `json:"corr_a"`
	RMSEB float64 `json:"rmse_b"`
	RMSEA float64 `json:"rmse_a"`
	// SameA reports that every true a is the same (a seeded bank), so that
	// CorrA means nothing.
	SameA bool `json:"same_a,omitempty"`
}

func compare(est []assessment.ItemEstimate, truth map[string]assessment.ItemEstimate) *recovery {
	var ta, ea, tb, eb []float64
	for _, e := range est {
		t, ok := truth[e.ID]
		if !ok {
			continue
		}
		ta, ea, tb, eb = append(ta, t.A), append(ea, e.A), append(tb, t.B), append(eb, e.B)
	}
	r := &recovery{Items: len(ta), CorrB: correlation(tb, eb), CorrA: correlation(ta, ea), RMSEB: rmse(tb, eb), RMSEA: rmse(ta, ea)}
	r.SameA = len(ta) > 0 && slices.Max(ta)-slices.Min(ta) < 1e-9
	if r.SameA || math.IsNaN(r.CorrA) {
		r.CorrA = 0
	}
	return r
}

func correlation(x, y []float64) float64 {
	n := float64(len(x))
	var sx, sy, sxx, syy, sxy float64
	for i := range x {
		sx, sy, sxx, syy, sxy = sx+x[i], sy+y[i], sxx+x[i]*x[i], syy+y[i]*y[i], sxy+x[i]*y[i]
	}
	return (n*sxy - sx*sy) / math.Sqrt((n*sxx-sx*sx)*(n*syy-sy*sy))
}

func rmse(x, y []float64) float64 {
	var s float64
	for i := range x {
		s += (x[i] - y[i]) * (x[i] - y[i])
	}
	return math.Sqrt(s / float64(max(len(x), 1)))
}

func writeItems(path string, items []assessment.ItemEstimate) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"id", "domain", "a", "b", "n", "p_correct"})
	for _, e := range items {
		// Within the range the pack loader accepts (0 < a ≤ 4, |b| ≤ 4):
		// an item answered by few learners, or nearly all right or all
		// wrong, can come out with a tiny a and a b far out.
		a, b := min(max(e.A, 0.05), 4), min(max(e.B, -4), 4)
		_ = w.Write([]string{e.ID, e.Domain, strconv.FormatFloat(a, 'f', 4, 64), strconv.FormatFloat(b, 'f', 4, 64),
			strconv.Itoa(e.N), strconv.FormatFloat(e.PCorrect, 'f', 4, 64)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// readItems reads a CSV with columns id, domain, a, b (more are ignored).
func readItems(path string) (map[string]assessment.ItemEstimate, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	out := map[string]assessment.ItemEstimate{}
	for i, r := range recs {
		if i == 0 || len(r) < 4 {
			continue
		}
		a, err1 := strconv.ParseFloat(r[2], 64)
		b, err2 := strconv.ParseFloat(r[3], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s line %d: a or b is not a number", path, i+1)
		}
		out[r[0]] = assessment.ItemEstimate{ID: r[0], Domain: r[1], A: a, B: b}
	}
	return out, nil
}
