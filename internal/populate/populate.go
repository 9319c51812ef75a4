// Package populate writes a realistic kiosk journal: learners who come
// back over weeks for diagnostics (with retakes and their evolution) and
// modules (practice attempts, modules mastered), with picture codes,
// names and notes a mediator gave, learners linked as one person, paths,
// and a few erasures. tremplin-sim populate uses it to make a large site's
// journal for benchmarks; tests use it for a journal holding every kind of
// event the mediator's screens read.
package populate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// Site writes learners into one device's journal.
type Site struct {
	J    *journal.Journal
	Pack *content.Pack
	Rand *rand.Rand
	// Clock is the journal's clock (journal.WithClock reads it): Run sets
	// it to each visit's time.
	Clock *time.Time
	// Rates of the rarer things a mediator does, per learner; zero values
	// take Defaults.
	Rates Rates

	codes   map[string]bool
	byDom   map[string][]content.Item
	domains []string
	uuid    *rand.Rand
}

// Rates are how often, per learner, a mediator does the rarer things.
type Rates struct {
	Named, Noted, Linked, Erased, Path float64
}

// Defaults are rates seen on a site: a quarter of the learners named, some
// notes, one in a hundred linked to another record, one in two hundred
// erased.
var Defaults = Rates{Named: 0.25, Noted: 0.15, Linked: 0.01, Erased: 0.005, Path: 0.02}

// Counts says what Run wrote.
type Counts struct {
	Events int
	ByType map[string]int
	// Learners are the ids of the learners created, erased ones too.
	Learners []string
	Erased   int
}

func (s *Site) init() {
	if s.codes != nil {
		return
	}
	if s.Rates == (Rates{}) {
		s.Rates = Defaults
	}
	s.codes = map[string]bool{}
	s.byDom = map[string][]content.Item{}
	for _, it := range s.Pack.Items {
		if sk, ok := s.Pack.Skill(it.Skill); ok {
			if len(s.byDom[sk.Domain]) == 0 {
				s.domains = append(s.domains, sk.Domain)
			}
			s.byDom[sk.Domain] = append(s.byDom[sk.Domain], it)
		}
	}
	s.uuid = rand.New(rand.NewPCG(s.Rand.Uint64(), s.Rand.Uint64()))
}

// id draws an id (time-ordered like the kiosk's UUIDv7, at the clock's
// time) from the site's seed, so a seed makes the same journal.
func (s *Site) id() string {
	var b [16]byte
	ms := uint64(s.Clock.UnixMilli())
	for i := range 6 {
		b[i] = byte(ms >> (40 - 8*i))
	}
	r, r2 := s.uuid.Uint64(), s.uuid.Uint64()
	for i := 6; i < 14; i++ {
		b[i] = byte(r >> (8 * (i - 6)))
	}
	b[14], b[15] = byte(r2), byte(r2>>8)
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	return uuid.UUID(b).String()
}

var names = []string{"Awa", "Bruno", "Chloé", "Driss", "Élise", "Fatou", "Gérard", "Hélène", "Ibrahim", "Jeanne",
	"Karim", "Louise", "Mamadou", "Nadia", "Odette", "Paul", "Rachid", "Simone", "Thierry", "Yvette"}

var notes = []string{"Vient avec sa fille le mardi.", "Veut faire sa déclaration en ligne.", "A peur de casser l'ordinateur.",
	"Progresse vite à la souris.", "Cherche un emploi : CV à faire.", "Ne voit pas bien : agrandir l'écran."}

// What a step of the site's life does.
const (
	stepArrive   = iota // created, picture code, first diagnostic
	stepModule          // a module practised
	stepRetake          // a second diagnostic, compared with the first
	stepMediator        // a mediator names the learner, notes, gives a path
	stepLink            // a mediator links the learner with an earlier record
	stepErase           // a mediator erases an earlier learner
)

type step struct {
	at      time.Time
	learner int
	kind    int
}

type person struct {
	id      string
	ability float64
	first   []event.DomainResult
	erased  bool
}

// Run writes n learners who arrive spread over [from, to): each arrives
// for a diagnostic, comes back for 0 to 6 modules over the following
// weeks, half retake the diagnostic; a mediator names some, writes
// notes, gives paths, links a few to an earlier record and erases a few.
// Visits of different learners interleave in time, as on a real site.
func (s *Site) Run(ctx context.Context, n int, from, to time.Time) (Counts, error) {
	s.init()
	c := Counts{ByType: map[string]int{}}
	people := make([]person, n)
	var steps []step
	span := to.Sub(from)
	day := 24 * time.Hour
	for i := range people {
		at := from.Add(time.Duration(s.Rand.Int64N(int64(max(span, time.Minute)))))
		people[i].ability = s.Rand.NormFloat64()
		steps = append(steps, step{at, i, stepArrive})
		t := at
		for range s.Rand.IntN(7) {
			t = t.Add(day + time.Duration(s.Rand.Int64N(int64(10*day))))
			steps = append(steps, step{t, i, stepModule})
		}
		if s.Rand.Float64() < 0.5 {
			steps = append(steps, step{t.Add(7*day + time.Duration(s.Rand.Int64N(int64(30*day)))), i, stepRetake})
		}
		if s.Rand.Float64() < s.Rates.Named+s.Rates.Noted+s.Rates.Path {
			steps = append(steps, step{at.Add(time.Duration(s.Rand.Int64N(int64(20 * day)))), i, stepMediator})
		}
		if s.Rand.Float64() < s.Rates.Linked {
			steps = append(steps, step{at.Add(time.Hour + time.Duration(s.Rand.Int64N(int64(20*day)))), i, stepLink})
		}
		if s.Rand.Float64() < s.Rates.Erased {
			steps = append(steps, step{at.Add(time.Hour + time.Duration(s.Rand.Int64N(int64(20*day)))), i, stepErase})
		}
	}
	slices.SortStableFunc(steps, func(a, b step) int { return a.at.Compare(b.at) })
	var arrived []int // learners present, in order of arrival
	var batch []journal.Draft
	add := func(typ, learner string, p any) {
		batch = append(batch, journal.Draft{Type: typ, LearnerID: learner, Payload: p})
	}
	for _, st := range steps {
		*s.Clock = st.at
		p := &people[st.learner]
		if p.erased || (st.kind != stepArrive && p.id == "") {
			continue
		}
		switch st.kind {
		case stepArrive:
			p.id = s.id()
			c.Learners = append(c.Learners, p.id)
			arrived = append(arrived, st.learner)
			add(event.TypeLearnerCreated, p.id, event.LearnerCreated{Anonymous: true})
			code, err := learners.NewCode(s.Rand, func(c string) bool { return s.codes[c] })
			if err != nil {
				return c, err
			}
			s.codes[code] = true
			add(event.TypeLearnerCodeAssigned, p.id, event.LearnerCodeAssigned{PictureCode: code})
			p.first = s.diagnostic(p.id, p.ability, nil, add)
		case stepModule:
			p.ability += 0.1
			s.module(p.id, p.ability, add)
		case stepRetake:
			s.diagnostic(p.id, p.ability+0.3, p.first, add)
		case stepMediator:
			r := s.Rand.Float64() * (s.Rates.Named + s.Rates.Noted + s.Rates.Path)
			switch {
			case r < s.Rates.Named:
				add(event.TypeLearnerRenamed, p.id, event.LearnerRenamed{Name: fmt.Sprintf("%s %c.", names[s.Rand.IntN(len(names))], 'A'+rune(s.Rand.IntN(26))),
					MediatorSession: "populate"})
			case r < s.Rates.Named+s.Rates.Noted:
				for range 1 + s.Rand.IntN(2) {
					add(event.TypeLearnerNoted, p.id, event.LearnerNoted{Text: notes[s.Rand.IntN(len(notes))], MediatorSession: "populate"})
				}
			case len(s.Pack.Modules) > 0:
				m := s.Pack.Modules[s.Rand.IntN(len(s.Pack.Modules))]
				add(event.TypePathAssigned, p.id, event.PathAssigned{PathID: s.id(), Name: "Parcours " + m.Title, Modules: []string{m.ID},
					Skills: m.Skills, MediatorSession: "populate"})
			}
		case stepLink:
			if o := s.pick(people, arrived, st.learner); o >= 0 {
				add(event.TypeLearnersLinked, p.id, event.LearnersLinked{Linked: []string{people[o].id}})
			}
		case stepErase:
			if o := s.pick(people, arrived, st.learner); o >= 0 {
				if _, err := s.J.Erase(ctx, people[o].id, "populate"); err != nil {
					return c, fmt.Errorf("populate: %w", err)
				}
				people[o].erased = true
				c.ByType[event.TypeLearnerErased]++
				c.Events++
				c.Erased++
			}
		}
		if len(batch) == 0 {
			continue
		}
		if _, err := s.J.AppendBatch(ctx, batch); err != nil {
			return c, fmt.Errorf("populate: %w", err)
		}
		for _, d := range batch {
			c.ByType[d.Type]++
		}
		c.Events += len(batch)
		batch = batch[:0]
	}
	return c, nil
}

// pick returns another learner present (arrived, not erased), or -1.
func (s *Site) pick(people []person, arrived []int, not int) int {
	for range 8 {
		o := arrived[s.Rand.IntN(len(arrived))]
		if o != not && !people[o].erased {
			return o
		}
	}
	return -1
}

// diagnostic adds a diagnostic: 20 to 40 answers over the pack's domains
// and the results per domain (compared with before on a retake).
func (s *Site) diagnostic(id string, ability float64, before []event.DomainResult, add func(string, string, any)) []event.DomainResult {
	sess := s.id()
	add(event.TypeSessionStarted, id, event.SessionStarted{SessionID: sess, Mode: "diagnostic", Pack: s.Pack.Meta.ID,
		PackVersion: s.Pack.Meta.Version, Language: "fr", Retake: before != nil})
	type tally struct{ items, correct, dontKnow int }
	per := map[string]*tally{}
	items := 20 + s.Rand.IntN(21)
	for range items {
		dom := s.domains[s.Rand.IntN(len(s.domains))]
		it := s.byDom[dom][s.Rand.IntN(len(s.byDom[dom]))]
		t := per[dom]
		if t == nil {
			t = &tally{}
			per[dom] = t
		}
		t.items++
		outcome := event.OutcomeIncorrect
		p := 1 / (1 + math.Exp(-(ability + s.Rand.NormFloat64()*0.5)))
		switch r := s.Rand.Float64(); {
		case r < p:
			outcome = event.OutcomeCorrect
			t.correct++
		case r > 0.9:
			outcome = event.OutcomeDontKnow
			t.dontKnow++
		}
		add(event.TypeAnswerRecorded, id, event.AnswerRecorded{LearnerID: id, SessionID: sess, ItemID: it.ID, Skill: it.Skill,
			Domain: dom, Kind: it.Kind, Outcome: outcome, Correct: outcome == event.OutcomeCorrect,
			Response: event.Response{Choices: []int{s.Rand.IntN(4)}}, ShownMS: int64(3000 + s.Rand.IntN(40000))})
	}
	var results []event.DomainResult
	var evo []event.DomainEvolution
	for _, dom := range s.domains {
		t := per[dom]
		if t == nil {
			continue
		}
		share := float64(t.correct) / float64(t.items)
		theta := ability + s.Rand.NormFloat64()*0.3
		r := event.DomainResult{Domain: dom, Band: min(3, int(share*4)), BandProb: 0.55 + 0.4*s.Rand.Float64(),
			Theta: theta, SE: 0.3 + 0.5/math.Sqrt(float64(t.items)), PlainTheta: theta, PlainSE: 0.6,
			Prior: event.Normal{SD: 1}, Items: t.items, Correct: t.correct, DontKnow: t.dontKnow, Done: true}
		results = append(results, r)
		for _, b := range before {
			if b.Domain == dom {
				label := event.EvolutionStable
				switch {
				case r.Band > b.Band:
					label = event.EvolutionUp
				case r.Band < b.Band:
					label = event.EvolutionDown
				}
				evo = append(evo, event.DomainEvolution{Domain: dom, BeforeBand: b.Band, AfterBand: r.Band, Delta: theta - b.Theta, Label: label})
			}
		}
	}
	fin := event.DiagnosticFinished{SessionID: sess, Items: items, Results: results, Evolution: evo}
	if before != nil {
		fin.Previous = "previous"
	}
	add(event.TypeDiagnosticFinished, id, fin)
	return results
}

// module adds a module practised: its attempts, and the module mastered
// when knowledge tracing says so.
func (s *Site) module(id string, ability float64, add func(string, string, any)) {
	if len(s.Pack.Modules) == 0 {
		return
	}
	m := s.Pack.Modules[s.Rand.IntN(len(s.Pack.Modules))]
	if len(m.Skills) == 0 {
		return
	}
	sess := s.id()
	add(event.TypeSessionStarted, id, event.SessionStarted{SessionID: sess, Mode: "module", Pack: s.Pack.Meta.ID,
		PackVersion: s.Pack.Meta.Version, Language: "fr", Module: m.ID})
	add(event.TypeModuleStarted, id, event.ModuleStarted{SessionID: sess, Module: m.ID})
	known := 0.2 + 0.2/(1+math.Exp(-ability))
	for i := range 8 + s.Rand.IntN(13) {
		skill := m.Skills[i%len(m.Skills)]
		outcome := event.OutcomeIncorrect
		if s.Rand.Float64() < known+0.2 {
			outcome = event.OutcomeCorrect
			known += (1 - known) * 0.35
		} else {
			known *= 0.9
		}
		add(event.TypePracticeAttempt, id, event.PracticeAttempt{SessionID: sess, Module: m.ID, ItemID: fmt.Sprintf("%s.p%d", m.ID, i),
			Skill: skill, Outcome: outcome, Known: known})
	}
	if known >= 0.95 {
		add(event.TypeModuleMastered, id, event.ModuleMastered{SessionID: sess, Module: m.ID, Skill: m.Skills[0], Known: known})
	}
}
