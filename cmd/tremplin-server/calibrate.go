package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

// Misfit thresholds of the calibration report: an item whose
// discrimination comes out this low barely separates weak from strong
// visitors (or would separate them the wrong way: the estimate is kept
// positive), which usually means a wrong key, an ambiguous picture or a
// question about something else than its skill.
const misfitA = 0.35

// calibrateCmd is `tremplin-server admin calibrate`: it estimates the 2PL
// parameters of the pack's questions from every device's synced answers
// and writes a new pack version with them in irt.csv.
func calibrateCmd(ctx context.Context, store *server.Store, args []string) error {
	fs := flag.NewFlagSet("calibrate", flag.ContinueOnError)
	packDir := fs.String("pack", "", "the content pack now in use (directory)")
	outDir := fs.String("out", "", "directory for the new pack version (must not exist or be empty)")
	minAnswers := fs.Int("min-answers", 200, "answers an item needs to be recalibrated; others keep their previous parameters")
	version := fs.String("version", "", "version of the new pack (default: the pack's version + \"-cal.\" + today's date)")
	top := fs.Int("top", 10, "largest changes to list")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *packDir == "" || *outDir == "" || fs.NArg() > 0 || *minAnswers < 1 {
		return errors.New("calibrate: --pack DIR and --out DIR are required (--min-answers N ≥ 1)")
	}
	pack, err := content.Load(os.DirFS(*packDir))
	if err != nil {
		return fmt.Errorf("calibrate: load pack %s: %w", *packDir, err)
	}
	prev := map[string]assessment.ItemParams{}
	exposure := map[string]float64{}
	domainOf := map[string]string{}
	for _, it := range pack.Questions() {
		a, b := 0.0, 0.0
		if it.IRT != nil {
			a, b = it.IRT.A, it.IRT.B
			exposure[it.ID] = it.IRT.Exposure
		}
		if a == 0 {
			if a, b, err = assessment.SeedParams(it.Level); err != nil {
				return fmt.Errorf("calibrate: item %s: %w", it.ID, err)
			}
		}
		prev[it.ID] = assessment.ItemParams{A: a, B: b}
		domainOf[it.ID] = it.Domain
	}
	obs, skipped, err := readAnswers(ctx, store, domainOf)
	if err != nil {
		return err
	}
	if len(obs) == 0 {
		return fmt.Errorf("calibrate: no answer to a question of pack %s %s on the server (%d others skipped)", pack.Meta.ID, pack.Meta.Version, skipped)
	}
	est, err := assessment.Calibrate(obs, assessment.CalibrateOptions{MinAnswers: *minAnswers, Previous: prev})
	if err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	// Items never answered keep their previous values too.
	byID := map[string]assessment.ItemEstimate{}
	for _, e := range est {
		byID[e.ID] = e
	}
	var rows []assessment.ItemEstimate
	for _, it := range pack.Questions() {
		e, ok := byID[it.ID]
		if !ok {
			p := prev[it.ID]
			e = assessment.ItemEstimate{ID: it.ID, Domain: it.Domain, A: p.A, B: p.B, Kept: true}
		}
		rows = append(rows, e)
	}
	if *version == "" {
		*version = pack.Meta.Version + "-cal." + time.Now().UTC().Format("20060102")
	}
	if err := writeCalibratedPack(*packDir, *outDir, *version, rows, exposure); err != nil {
		return err
	}
	if _, err := content.Load(os.DirFS(*outDir)); err != nil {
		return fmt.Errorf("calibrate: the new pack in %s does not load: %w", *outDir, err)
	}
	printCalibration(stdout, pack, *version, *outDir, *minAnswers, len(obs), skipped, rows, prev, *top)
	return nil
}

// readAnswers reads every answer.recorded event the server holds (all
// sites) to one of the pack's questions. Answers to other items (another
// pack version's) are counted in skipped.
func readAnswers(ctx context.Context, store *server.Store, domainOf map[string]string) ([]assessment.Observation, int, error) {
	rows, err := store.DB().QueryContext(ctx, store.Q(`SELECT learner_id, payload FROM events WHERE type = ?`), event.TypeAnswerRecorded)
	if err != nil {
		return nil, 0, fmt.Errorf("calibrate: read answers: %w", err)
	}
	defer rows.Close()
	var obs []assessment.Observation
	skipped := 0
	for rows.Next() {
		var learner string
		var payload []byte
		if err := rows.Scan(&learner, &payload); err != nil {
			return nil, 0, fmt.Errorf("calibrate: read answers: %w", err)
		}
		var a event.AnswerRecorded
		if err := event.DecodeInto(payload, &a); err != nil {
			skipped++
			continue
		}
		dom, ok := domainOf[a.ItemID]
		if !ok {
			skipped++
			continue
		}
		if a.LearnerID != "" {
			learner = a.LearnerID
		}
		if learner == "" {
			skipped++
			continue
		}
		// "Je ne sais pas" counts as wrong, as in the diagnostic.
		right := a.Correct || a.Outcome == event.OutcomeCorrect
		obs = append(obs, assessment.Observation{Learner: learner, Item: a.ItemID, Domain: dom, Correct: right})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("calibrate: read answers: %w", err)
	}
	return obs, skipped, nil
}

var versionLine = regexp.MustCompile(`(?m)^version:.*$`)

// writeCalibratedPack copies the pack in src to dst with irt.csv holding
// rows and pack.yaml the new version. Sympson–Hetter exposure parameters
// are carried over (they were computed for the old parameters: rerun
// tremplin-sim exposure on the new pack).
func writeCalibratedPack(src, dst, version string, rows []assessment.ItemEstimate, exposure map[string]float64) error {
	if entries, err := os.ReadDir(dst); err == nil && len(entries) > 0 {
		return fmt.Errorf("calibrate: %s is not empty", dst)
	}
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if rel == content.IRTFile || !d.Type().IsRegular() {
			return nil
		}
		return copyFile(path, target)
	})
	if err != nil {
		return fmt.Errorf("calibrate: copy pack %s to %s: %w", src, dst, err)
	}
	meta := filepath.Join(dst, "pack.yaml")
	data, err := os.ReadFile(meta)
	if err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	if !versionLine.Match(data) {
		return fmt.Errorf("calibrate: %s has no version line", meta)
	}
	data = versionLine.ReplaceAll(data, []byte("version: "+strconv.Quote(version)))
	if err := os.WriteFile(meta, data, 0o644); err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	f, err := os.Create(filepath.Join(dst, content.IRTFile))
	if err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"id", "domain", "a", "b", "n", "p_correct", "se_a", "se_b", "kept", "exposure"})
	num := func(v float64) string {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'f', 4, 64)
	}
	for _, e := range rows {
		exp := ""
		if k := exposure[e.ID]; k > 0 {
			exp = num(k)
		}
		_ = w.Write([]string{e.ID, e.Domain, num(min(max(e.A, 0.05), 4)), num(min(max(e.B, -4), 4)), strconv.Itoa(e.N),
			num(e.PCorrect), num(e.SEA), num(e.SEB), strconv.FormatBool(e.Kept), exp})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("calibrate: write irt.csv: %w", err)
	}
	return f.Close()
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func printCalibration(w io.Writer, pack *content.Pack, version, out string, minAnswers, answers, skipped int,
	rows []assessment.ItemEstimate, prev map[string]assessment.ItemParams, top int) {
	recal := 0
	for _, e := range rows {
		if !e.Kept {
			recal++
		}
	}
	fmt.Fprintf(w, "pack %s %s → %s in %s\n", pack.Meta.ID, pack.Meta.Version, version, out)
	fmt.Fprintf(w, "%d answers to its questions (%d other answers skipped); %d of %d items recalibrated, %d kept their previous parameters (fewer than %d answers)\n",
		answers, skipped, recal, len(rows), len(rows)-recal, minAnswers)
	changed := make([]assessment.ItemEstimate, 0, recal)
	var misfits []assessment.ItemEstimate
	for _, e := range rows {
		if e.Kept {
			continue
		}
		changed = append(changed, e)
		if e.A < misfitA {
			misfits = append(misfits, e)
		}
	}
	change := func(e assessment.ItemEstimate) float64 {
		p := prev[e.ID]
		return math.Abs(e.A-p.A) + math.Abs(e.B-p.B)
	}
	sort.SliceStable(changed, func(i, j int) bool { return change(changed[i]) > change(changed[j]) })
	if len(changed) > top {
		changed = changed[:top]
	}
	if len(changed) > 0 {
		fmt.Fprintln(w, "\nlargest changes:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "item\tanswers\tp correct\ta before\ta (SE)\tb before\tb (SE)\t")
		for _, e := range changed {
			p := prev[e.ID]
			fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%.2f (%.2f)\t%+.2f\t%+.2f (%.2f)\t\n", e.ID, e.N, e.PCorrect, p.A, e.A, e.SEA, p.B, e.B, e.SEB)
		}
		tw.Flush()
	}
	if len(misfits) == 0 {
		fmt.Fprintf(w, "\nno item misfits (every recalibrated a ≥ %.2f)\n", misfitA)
		return
	}
	fmt.Fprintf(w, "\n%d items misfit (a < %.2f: they barely tell weak from strong visitors, or the wrong way round) — a content author should check their key, pictures and wording:\n", len(misfits), misfitA)
	var names []string
	for _, e := range misfits {
		names = append(names, fmt.Sprintf("%s (a %.2f, p correct %.2f, %d answers)", e.ID, e.A, e.PCorrect, e.N))
	}
	fmt.Fprintln(w, "  "+strings.Join(names, "\n  "))
}
