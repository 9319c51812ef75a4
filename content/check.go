package content

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// ClipRule says how Check treats a spoken text without a voice clip.
type ClipRule int

// Clip rules.
const (
	ClipsRequired ClipRule = iota // a missing clip is an error (the default pack)
	ClipsWarn                     // a missing clip is a warning
	ClipsIgnore                   // clips are not checked
)

// CheckOptions tune Check.
type CheckOptions struct {
	Clips ClipRule
	// Say holds the kiosk's own spoken phrases (the "say." keys of its
	// catalogue), which need clips in the pack too.
	Say []string
	// Orphans warns about clips no text uses; only meaningful when Say holds
	// the kiosk's phrases.
	Orphans bool
}

// Check loads the pack like Load, then checks what Load leaves to authors:
// the writing rules of CONTENT.md on every text, a glossary entry for every
// hard word, and a voice clip for every spoken text. It returns the pack
// (nil when its structure is broken) and every problem, errors and
// warnings, sorted by file and line.
func Check(fsys fs.FS, opts CheckOptions) (*Pack, []Problem) {
	p, probs := load(fsys)
	ps := problems(probs)
	if p == nil {
		return nil, ps
	}
	firstUse := map[string]Text{}
	for _, t := range p.Texts() {
		for _, f := range CheckPlain(t.Text, t.Role) {
			ps = append(ps, Problem{File: t.File, Line: t.Line, Message: t.Where + ": " + f.Message, Warning: f.Warning})
		}
		if t.Role == RoleGlossary {
			continue
		}
		for _, w := range HardWordsIn(t.Text) {
			if _, ok := firstUse[w]; !ok {
				firstUse[w] = t
			}
		}
	}
	for i := range p.Items {
		it := &p.Items[i]
		for _, m := range VoiceAndScreen(it) {
			ps.warn(it.File, it.FieldLine("spoken"), "item %s: %s", it.ID, m)
		}
	}
	for w, t := range firstUse {
		if _, ok := p.Term(w); !ok {
			ps.add(t.File, t.Line, "%s: the hard word %q needs an entry in glossary.yaml", t.Where, w)
		}
	}
	if opts.Clips != ClipsIgnore {
		used := map[string]bool{}
		missing := 0
		texts := p.SpokenTexts()
		for _, s := range opts.Say {
			texts = append(texts, Text{Text: s, File: "i18n", Where: "kiosk phrase"})
		}
		for _, t := range texts {
			name, ok := p.ClipName(t.Text)
			if ok {
				used[name] = true
				continue
			}
			missing++
			if missing <= 20 || opts.Clips == ClipsRequired && missing <= 200 {
				pr := Problem{File: t.File, Line: t.Line, Message: t.Where + ": no voice clip for " + quoteShort(t.Text) + " (run tremplin-content voice)", Warning: opts.Clips == ClipsWarn}
				ps = append(ps, pr)
			}
		}
		if missing > 20 && opts.Clips == ClipsWarn || missing > 200 {
			ps = append(ps, Problem{File: "voice/", Message: strconv.Itoa(missing) + " spoken texts have no clip in all (run tremplin-content voice)", Warning: opts.Clips == ClipsWarn})
		}
		if opts.Orphans {
			orphans := 0
			clips, _ := fs.Glob(p.fsys, "voice/*")
			for _, c := range clips {
				if !used[c] && !strings.HasPrefix(path.Base(c), ".") && path.Base(c) != "README.md" {
					orphans++
				}
			}
			if orphans > 0 {
				ps.warn("voice/", 0, "%d clips are used by no text (tremplin-content voice --prune removes them)", orphans)
			}
		}
	}
	if opts.Clips != ClipsIgnore {
		ps = append(ps, paceProblems(p.Paces(opts.Say))...)
	}
	ps = append(ps, keyPositions(p)...)
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
	return p, ps
}

// keyPositions refuses a pack of 6 or more choice questions whose right
// choices sit mostly in one place (authors tend to write the right answer
// first). The kiosk shuffles every choice list per visit, but a printed
// form, another player or a reviewer reading the file would see the
// pattern: a pack that gives its answers away by position is an error.
func keyPositions(p *Pack) []Problem {
	counts := map[int]int{}
	total := 0
	for _, it := range p.Questions() {
		if it.Kind != KindSingle && it.Kind != KindMultiple || len(it.Choices) < 2 {
			continue
		}
		for i, c := range it.Choices {
			if c.Correct {
				counts[i]++
				total++
				break // the first right choice of each item
			}
		}
	}
	if total < 6 {
		return nil
	}
	for pos, n := range counts {
		if 2*n > total {
			return []Problem{{File: "items/", Message: fmt.Sprintf(
				"the first right choice is choice %d in %d of %d choice questions: mix the places of the right answers (the kiosk shuffles them, a printed list does not)",
				pos+1, n, total)}}
		}
	}
	return nil
}

// paceProblems warns about clips spoken too fast or too slow for a
// listener who reads little (outside MinWPM–MaxWPM words per minute).
func paceProblems(paces []Pace) []Problem {
	var out []Problem
	n := 0
	for _, pc := range paces {
		if pc.WPM >= MinWPM && pc.WPM <= MaxWPM {
			continue
		}
		n++
		if n <= 10 {
			out = append(out, Problem{File: pc.Clip, Warning: true, Message: fmt.Sprintf(
				"spoken at %.0f words per minute (aim at %d, keep within %d–%d; tremplin-content voice --force remakes it): %s",
				pc.WPM, TargetWPM, MinWPM, MaxWPM, quoteShort(pc.Text))})
		}
	}
	if n > 10 {
		out = append(out, Problem{File: "voice/", Warning: true, Message: fmt.Sprintf(
			"%d clips in all are spoken outside %d–%d words per minute", n, MinWPM, MaxWPM)})
	}
	return out
}

func quoteShort(s string) string { return "«" + short(s) + "»" }
