package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/app/report"
	"github.com/tremplin-numerique/tremplin/app/skills"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// The mediator's sheet of one learner: the take-home sheet's mediator
// version, with more detail — levels with how sure, every skill by status,
// every visit with before/after, the path and its progress; the notes only
// when the mediator ticks them (they are never shown to visitors, and a
// printed sheet may be handed over).

// notesOf returns the mediator's notes about the learner ids, dated, in
// the order written.
func (k *Kiosk) notesOf(ctx context.Context, ids []string) []string {
	var notes []string
	for _, id := range ids {
		err := k.cfg.Journal.Each(ctx, journal.Filter{Type: event.TypeLearnerNoted, LearnerID: id}, func(ev journal.Event) error {
			var n event.LearnerNoted
			if event.DecodeInto(ev.Payload, &n) == nil && n.Text != "" {
				notes = append(notes, ev.WallTime.Local().Format("02/01/2006")+" — "+n.Text)
			}
			return nil
		})
		if err != nil {
			slog.Error("read notes", "err", err)
		}
	}
	return notes
}

// errNoLearner is LearnerPDF's error for a learner the journal no longer
// holds (erased meanwhile).
var errNoLearner = errors.New("learner not found")

// LearnerPDF returns the mediator's sheet of learner id as a PDF; notes
// adds the mediator's notes.
func (k *Kiosk) LearnerPDF(id string, notes bool) ([]byte, error) {
	ctx := context.Background()
	l, ok, err := k.roster().Learner(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("learner sheet: %w", err)
	}
	if !ok {
		return nil, errNoLearner
	}
	ids := append([]string{l.ID}, l.Linked...)
	table, err := k.roster().Skills(ctx, ids...)
	if err != nil {
		return nil, fmt.Errorf("learner sheet: %w", err)
	}
	name := l.Name
	if name == "" {
		name = k.cat.T("workspace.no_name")
	}
	sub := k.cat.T("lsheet.made", "date", k.now().Local().Format("02/01/2006"))
	if site := k.siteName(); site != "" {
		sub += " — " + site
	}
	d := report.Doc{Title: k.cat.T("lsheet.title", "name", name), Subtitle: sub, Footer: k.cat.T("lsheet.footer")}
	if l.Code != "" {
		pics := codePictures(k, l.Code)
		names := make([]string, len(pics))
		for i, p := range pics {
			names[i] = p.Name
		}
		d.Sections = append(d.Sections, report.Section{Heading: k.cat.T("lsheet.code"),
			Lines: []report.Line{{Code: pics, Text: strings.Join(names, ", ")}}})
	}

	// Levels: the latest result per domain with how sure, and the one
	// before it when the learner retook the test.
	levels := report.Section{Heading: k.cat.T("workspace.levels")}
	for _, dom := range k.cfg.Pack.Domains {
		r, ok := l.Latest(dom.ID)
		if !ok {
			levels.Lines = append(levels.Lines, report.Line{Text: dom.Title + " : " + k.cat.T("visit.not_tested")})
			continue
		}
		line := report.Line{Level: &report.Level{Band: r.Band}, Bold: true,
			Text: dom.Title + " : " + k.cat.T(bandKey(r.Band)) + " " +
				k.cat.T("workspace.sure", "p", strconv.Itoa(int(r.BandProb*100+0.5)), "se", strconv.FormatFloat(r.SE, 'f', 2, 64))}
		if e, ok := latestEvolution(l, dom.ID); ok {
			line.Level.HasBefore, line.Level.BeforeBand = true, e.BeforeBand
			line.Sub = k.cat.T("lsheet.before_after", "before", k.cat.T(bandKey(e.BeforeBand)), "after", k.cat.T(bandKey(e.AfterBand)),
				"label", k.cat.T(evolutionKey(e.Label)))
		}
		levels.Lines = append(levels.Lines, line)
	}
	d.Sections = append(d.Sections, levels)

	// Skills by status, each list under its domain.
	sk := report.Section{Heading: k.cat.T("workspace.skills")}
	for _, dom := range k.cfg.Pack.Domains {
		by := map[skills.Status][]string{}
		for _, c := range dom.Competences {
			for _, s := range c.Skills {
				st := table.Of(s.ID, ids...)
				by[st] = append(by[st], s.Title)
			}
		}
		var lines []string
		for _, st := range []skills.Status{skills.Mastered, skills.ToWork, skills.NotSeen} {
			if len(by[st]) > 0 {
				lines = append(lines, k.cat.T("lsheet.status_"+statusWord(st), "n", strconv.Itoa(len(by[st])))+" "+strings.Join(by[st], ", "))
			}
		}
		sk.Lines = append(sk.Lines, report.Line{Text: dom.Title, Bold: true, Sub: strings.Join(lines, "\n")})
	}
	d.Sections = append(d.Sections, sk)

	// Visits: each test with its before/after, the modules, the path.
	visits := report.Section{Heading: k.cat.T("workspace.visits")}
	for _, dg := range l.Diagnostics {
		line := report.Line{Text: k.cat.T("workspace.visit", "date", dg.At.Local().Format("02/01/2006"), "n", strconv.Itoa(dg.Items))}
		var evo []string
		for _, e := range dg.Evolution {
			if dom, ok := k.cfg.Pack.Domain(e.Domain); ok {
				evo = append(evo, k.cat.T("lsheet.evolution", "domain", dom.Title, "before", k.cat.T(bandKey(e.BeforeBand)),
					"after", k.cat.T(bandKey(e.AfterBand)), "label", strings.ToLower(k.cat.T(evolutionKey(e.Label)))))
			}
		}
		line.Sub = strings.Join(evo, "\n")
		visits.Lines = append(visits.Lines, line)
	}
	if len(l.Diagnostics) == 0 {
		visits.Lines = append(visits.Lines, report.Line{Text: k.cat.T("workspace.no_visit")})
	}
	if len(l.Practised) > 0 {
		var ms []string
		for _, id := range l.Practised {
			title := id
			if m, ok := k.cfg.Pack.Module(id); ok {
				title = m.Title
			}
			ms = append(ms, title)
		}
		visits.Lines = append(visits.Lines, report.Line{Text: k.cat.T("lsheet.modules", "list", strings.Join(ms, ", ")),
			Sub: k.cat.T("workspace.modules", "n", strconv.Itoa(len(l.Mastered)))})
	}
	if p, ok := k.pathOf(ids...); ok {
		visits.Lines = append(visits.Lines, report.Line{Text: k.pathSummary(p), Sub: k.pathProgress(p, ids...)})
	}
	d.Sections = append(d.Sections, visits)

	if notes {
		ns := report.Section{Heading: k.cat.T("lsheet.notes")}
		for _, n := range k.notesOf(ctx, ids) {
			ns.Lines = append(ns.Lines, report.Line{Text: n})
		}
		if len(ns.Lines) == 0 {
			ns.Lines = append(ns.Lines, report.Line{Text: k.cat.T("workspace.no_note")})
		}
		d.Sections = append(d.Sections, ns)
	}
	return report.Build(d)
}

// statusWord names a status in the sheet's catalogue keys.
func statusWord(s skills.Status) string {
	switch s {
	case skills.Mastered:
		return "mastered"
	case skills.ToWork:
		return "to_work"
	}
	return "not_seen"
}

// latestEvolution is the evolution of domain at the learner's latest
// retake that compared it.
func latestEvolution(l learners.Learner, domain string) (event.DomainEvolution, bool) {
	for i := len(l.Diagnostics) - 1; i >= 0; i-- {
		if _, ok := l.Diagnostics[i].Result(domain); !ok {
			continue
		}
		for _, e := range l.Diagnostics[i].Evolution {
			if e.Domain == domain {
				return e, true
			}
		}
		return event.DomainEvolution{}, false
	}
	return event.DomainEvolution{}, false
}

// printLearner makes the learner's mediator sheet and prints or saves it.
func (k *Kiosk) printLearner(s *LearnerScreen) {
	k.touch()
	pdf, err := k.LearnerPDF(s.ID, s.WithNotes.Checked)
	if err != nil {
		slog.Error("make learner sheet", "err", err)
		s.Message.SetText(k.cat.T("visit.print_failed"))
		return
	}
	k.printDocument(pdf, "tremplin-fiche", s.Message.SetText)
}
