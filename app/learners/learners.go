// Package learners is the read model of the people a device knows: a fold
// of the journal's events (learner.created, learner.renamed,
// learner.code.assigned, learners.linked, diagnostic.finished,
// practice.attempt, module.mastered, learner.erased) into learners with
// their picture code, their diagnostics history and what they practised.
// The kiosk uses it to find a returning visitor by code; the mediator
// workspace lists learners and their history with it.
//
// Package learners imports no Fyne and writes nothing: the journal is the
// only state, this is derived from it and can be rebuilt at any time.
package learners

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// Reader is what the fold needs of the journal.
type Reader interface {
	Each(ctx context.Context, f journal.Filter, fn func(journal.Event) error) error
}

// Learner is one person as the journal knows them.
type Learner struct {
	ID   string
	Name string // "" unless a mediator gave one
	// Code is the learner's picture code: the one this device gave, else
	// one a sibling device of the site gave (pulled by sync); "" if none.
	Code string
	// Created is when the learner was first seen (device clock).
	Created time.Time
	// Diagnostics are the finished diagnostics, oldest first.
	Diagnostics []Diagnostic
	// Practised lists the modules practised, in the order first met.
	Practised []string
	// Mastered lists the modules mastered.
	Mastered []string
	// Linked are other learner ids folded into this one.
	Linked []string

	nameHLC journal.HLC
	codeOwn bool // Code was given on this device
}

// Diagnostic is one finished diagnostic of a learner.
type Diagnostic struct {
	SessionID string
	At        time.Time
	Device    string
	Items     int
	Stopped   bool
	Results   []event.DomainResult
	// Previous and Evolution compare it with an earlier one (a retake).
	Previous  string
	Evolution []event.DomainEvolution
}

// Result returns the diagnostic's result in a domain, and whether the
// domain was answered at all.
func (d Diagnostic) Result(domain string) (event.DomainResult, bool) {
	for _, r := range d.Results {
		if r.Domain == domain {
			return r, r.Items > 0
		}
	}
	return event.DomainResult{}, false
}

// Book holds every learner folded from a journal. It is not safe for
// concurrent use; the kiosk keeps one per screen it builds.
type Book struct {
	device  string
	byID    map[string]*Learner
	alias   map[string]string // linked learner → the one kept
	erased  map[string]bool
	byCode  map[string]string // this device's codes → learner
	sibling siblingCodes      // codes sibling devices gave
	started map[string]bool   // (learner, module) practised
}

// siblingCodes maps the codes other devices of the site gave to the
// learners holding them. Two devices offline may each give the same code:
// such a code opens nobody (unless a link made them one learner), and a
// mediator can tell them apart.
type siblingCodes map[string][]string

func (s siblingCodes) add(code, id string) {
	for _, o := range s[code] {
		if o == id {
			return
		}
	}
	s[code] = append(s[code], id)
}

// find returns the one learner (after links, by canonical) a sibling's code
// names.
func (s siblingCodes) find(code string, canonical func(string) string) (string, bool) {
	found := ""
	for _, id := range s[code] {
		id = canonical(id)
		if found != "" && id != found {
			return "", false
		}
		found = id
	}
	return found, found != ""
}

// NewBook returns an empty book for the device whose codes it looks up.
func NewBook(device string) *Book {
	return &Book{device: device, byID: map[string]*Learner{}, alias: map[string]string{},
		erased: map[string]bool{}, byCode: map[string]string{}, sibling: siblingCodes{}, started: map[string]bool{}}
}

// Load folds the journal r of device into a book.
func Load(ctx context.Context, r Reader, device string) (*Book, error) {
	b := NewBook(device)
	if err := r.Each(ctx, journal.Filter{}, func(ev journal.Event) error { b.Apply(ev); return nil }); err != nil {
		return nil, fmt.Errorf("read learners: %w", err)
	}
	return b, nil
}

// canonical follows links to the learner kept.
func (b *Book) canonical(id string) string {
	for range 16 { // links never loop, but a bad journal must not hang us
		to, ok := b.alias[id]
		if !ok {
			break
		}
		id = to
	}
	return id
}

func (b *Book) get(id string, at time.Time) *Learner {
	l := b.byID[id]
	if l == nil {
		l = &Learner{ID: id, Created: at}
		b.byID[id] = l
	}
	return l
}

// Apply folds one event into the book. Events of unknown types, or with a
// payload that does not decode, are skipped: a newer device's event never
// breaks an older reader.
func (b *Book) Apply(ev journal.Event) {
	if ev.LearnerID == "" {
		return
	}
	if ev.Type == event.TypeLearnerErased {
		b.erased[ev.LearnerID] = true
		return
	}
	id := b.canonical(ev.LearnerID)
	switch ev.Type {
	case event.TypeLearnerCreated:
		var p event.LearnerCreated
		if event.DecodeInto(ev.Payload, &p) != nil {
			return
		}
		l := b.get(id, ev.WallTime)
		if p.Name != "" && ev.HLC >= l.nameHLC {
			l.Name, l.nameHLC = p.Name, ev.HLC
		}
	case event.TypeLearnerRenamed:
		var p event.LearnerRenamed
		if event.DecodeInto(ev.Payload, &p) != nil {
			return
		}
		if l := b.get(id, ev.WallTime); ev.HLC >= l.nameHLC {
			l.Name, l.nameHLC = p.Name, ev.HLC
		}
	case event.TypeLearnerCodeAssigned:
		var p event.LearnerCodeAssigned
		if event.DecodeInto(ev.Payload, &p) != nil || p.PictureCode == "" {
			return
		}
		l := b.get(id, ev.WallTime)
		if ev.DeviceID != b.device {
			b.sibling.add(p.PictureCode, ev.LearnerID)
			if l.Code == "" {
				l.Code = p.PictureCode
			}
			return
		}
		b.byCode[p.PictureCode] = ev.LearnerID
		l.Code, l.codeOwn = p.PictureCode, true
	case event.TypeLearnersLinked:
		var p event.LearnersLinked
		if event.DecodeInto(ev.Payload, &p) != nil {
			return
		}
		kept := b.get(id, ev.WallTime)
		for _, o := range p.Linked {
			o = b.canonical(o)
			if o == id {
				continue
			}
			b.alias[o] = id
			kept.Linked = append(kept.Linked, o)
			if other := b.byID[o]; other != nil {
				b.merge(kept, other)
				delete(b.byID, o)
			}
		}
	case event.TypeDiagnosticFinished:
		var p event.DiagnosticFinished
		if event.DecodeInto(ev.Payload, &p) != nil {
			return
		}
		l := b.get(id, ev.WallTime)
		l.Diagnostics = append(l.Diagnostics, Diagnostic{SessionID: p.SessionID, At: ev.WallTime, Device: ev.DeviceID,
			Items: p.Items, Stopped: p.Stopped, Results: p.Results, Previous: p.Previous, Evolution: p.Evolution})
	case event.TypePracticeAttempt, event.TypeModuleStarted:
		var p struct {
			Module string `json:"module"`
		}
		if event.DecodeInto(ev.Payload, &p) != nil || p.Module == "" {
			return
		}
		l := b.get(id, ev.WallTime)
		if k := id + "\x00" + p.Module; !b.started[k] {
			b.started[k] = true
			l.Practised = append(l.Practised, p.Module)
		}
	case event.TypeModuleMastered:
		var p event.ModuleMastered
		if event.DecodeInto(ev.Payload, &p) != nil || p.Module == "" {
			return
		}
		l := b.get(id, ev.WallTime)
		for _, m := range l.Mastered {
			if m == p.Module {
				return
			}
		}
		l.Mastered = append(l.Mastered, p.Module)
	}
}

// merge adds other's history to kept (a link).
func (b *Book) merge(kept, other *Learner) {
	kept.Diagnostics = append(kept.Diagnostics, other.Diagnostics...)
	sort.SliceStable(kept.Diagnostics, func(i, j int) bool { return kept.Diagnostics[i].At.Before(kept.Diagnostics[j].At) })
	for _, m := range other.Practised {
		if k := kept.ID + "\x00" + m; !b.started[k] {
			b.started[k] = true
			kept.Practised = append(kept.Practised, m)
		}
	}
	kept.Mastered = append(kept.Mastered, other.Mastered...)
	if kept.Code == "" || (!kept.codeOwn && other.codeOwn) {
		kept.Code, kept.codeOwn = other.Code, other.codeOwn
	}
	if other.nameHLC > kept.nameHLC {
		kept.Name, kept.nameHLC = other.Name, other.nameHLC
	}
	if other.Created.Before(kept.Created) {
		kept.Created = other.Created
	}
	kept.Linked = append(kept.Linked, other.Linked...)
}

// List returns every learner not erased, oldest first.
func (b *Book) List() []Learner {
	out := make([]Learner, 0, len(b.byID))
	for id, l := range b.byID {
		if !b.erased[id] {
			out = append(out, *l)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Learner returns a learner by id (or by the id of a learner linked into
// them).
func (b *Book) Learner(id string) (Learner, bool) {
	id = b.canonical(id)
	l, ok := b.byID[id]
	if !ok || b.erased[id] {
		return Learner{}, false
	}
	return *l, true
}

// Diagnostics returns a learner's finished diagnostics, oldest first.
func (b *Book) Diagnostics(id string) []Diagnostic {
	l, _ := b.Learner(id)
	return l.Diagnostics
}

// ByCode returns the learner holding a picture code: the one this device
// gave it to, else the one learner a sibling device of the site gave it to.
func (b *Book) ByCode(code string) (string, bool) {
	id, ok := b.byCode[code]
	if !ok {
		id, ok = b.sibling.find(code, b.canonical)
	}
	if !ok || b.erased[id] || b.erased[b.canonical(id)] {
		return "", false
	}
	return b.canonical(id), true
}

// CodeTaken reports whether a code is held by a learner of the site known
// here (a learner's erasure deletes their code with their other events,
// freeing it).
func (b *Book) CodeTaken(code string) bool {
	_, ok := b.byCode[code]
	return ok || len(b.sibling[code]) > 0
}

// FindByCode returns the learner holding code (see Book.ByCode), reading the
// journal by type (codes, links) and then by learner. A kiosk keeps an
// Index instead, so a returning visitor does not wait for the scans.
func FindByCode(ctx context.Context, r Reader, device, code string) (Learner, bool, error) {
	ix, err := BuildIndex(ctx, r, device)
	if err != nil {
		return Learner{}, false, err
	}
	return ix.Find(ctx, r, code)
}

// Index maps picture codes to learners (this device's codes first, then
// those sibling devices of the site gave, see Book.ByCode), and knows the
// links between learners: what a returning visitor's code needs, built from
// one reading of the journal. It is safe for concurrent use.
type Index struct {
	mu      sync.Mutex
	device  string
	codes   map[string]string
	sibling siblingCodes
	links   []journal.Event
}

// BuildIndex reads the journal's codes and links.
func BuildIndex(ctx context.Context, r Reader, device string) (*Index, error) {
	ix := &Index{device: device, codes: map[string]string{}, sibling: siblingCodes{}}
	// Read by type (an indexed read), not the whole journal: a large site's
	// kiosk starts without reading every answer.
	err := r.Each(ctx, journal.Filter{Type: event.TypeLearnerCodeAssigned}, func(ev journal.Event) error {
		var p event.LearnerCodeAssigned
		if event.DecodeInto(ev.Payload, &p) != nil || p.PictureCode == "" {
			return nil
		}
		if ev.DeviceID == device {
			ix.codes[p.PictureCode] = ev.LearnerID
		} else {
			ix.sibling.add(p.PictureCode, ev.LearnerID)
		}
		return nil
	})
	if err == nil {
		err = r.Each(ctx, journal.Filter{Type: event.TypeLearnersLinked}, func(ev journal.Event) error {
			ix.links = append(ix.links, ev)
			return nil
		})
	}
	if err != nil {
		return nil, wrapRead(err)
	}
	return ix, nil
}

// Add records a code just given.
func (ix *Index) Add(code, learnerID string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.codes[code] = learnerID
}

// Taken reports whether code is held by a learner of the site known here:
// a new code is never one a sibling device already gave.
func (ix *Index) Taken(code string) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	_, ok := ix.codes[code]
	return ok || len(ix.sibling[code]) > 0
}

// Find returns the learner holding code, folded from the events about them
// and the learners linked to them, read by learner (an indexed read). An
// erased learner is not found.
func (ix *Index) Find(ctx context.Context, r Reader, code string) (Learner, bool, error) {
	ix.mu.Lock()
	id := ix.codes[code]
	sib := append([]string(nil), ix.sibling[code]...)
	links := append([]journal.Event(nil), ix.links...)
	ix.mu.Unlock()
	if id == "" && len(sib) > 0 {
		probe := NewBook(ix.device)
		for _, ev := range links {
			probe.Apply(ev)
		}
		id, _ = siblingCodes{code: sib}.find(code, probe.canonical)
	}
	if id == "" {
		return Learner{}, false, nil
	}
	b, err := foldGroup(ctx, r, ix.device, id, links)
	if err != nil {
		return Learner{}, false, err
	}
	if _, ok := b.ByCode(code); !ok {
		return Learner{}, false, nil // erased, or the code was not really theirs
	}
	l, ok := b.Learner(id)
	return l, ok, nil
}

// LoadOne folds one learner (and those linked to them) from the journal,
// reading by learner (an indexed read) rather than the whole journal: a
// learner's page on a large site. An erased or unknown learner is not
// found.
func LoadOne(ctx context.Context, r Reader, device, id string) (Learner, bool, error) {
	var links []journal.Event
	if err := r.Each(ctx, journal.Filter{Type: event.TypeLearnersLinked}, func(ev journal.Event) error {
		links = append(links, ev)
		return nil
	}); err != nil {
		return Learner{}, false, wrapRead(err)
	}
	b, err := foldGroup(ctx, r, device, id, links)
	if err != nil {
		return Learner{}, false, err
	}
	l, ok := b.Learner(id)
	return l, ok, nil
}

// foldGroup folds the events of id and of every learner linked with it.
func foldGroup(ctx context.Context, r Reader, device, id string, links []journal.Event) (*Book, error) {
	probe := NewBook(device)
	for _, ev := range links {
		probe.Apply(ev)
	}
	kept := probe.canonical(id)
	group := map[string]bool{kept: true, id: true}
	for from := range probe.alias {
		if probe.canonical(from) == kept {
			group[from] = true
		}
	}
	var evs []journal.Event
	for lid := range group {
		if err := r.Each(ctx, journal.Filter{LearnerID: lid}, func(ev journal.Event) error {
			if ev.Type != event.TypeLearnersLinked {
				evs = append(evs, ev)
			}
			return nil
		}); err != nil {
			return nil, wrapRead(err)
		}
	}
	evs = append(evs, links...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].HLC < evs[j].HLC })
	b := NewBook(device)
	for _, ev := range evs {
		b.Apply(ev)
	}
	return b, nil
}

func wrapRead(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("find learner by code: %w", err)
}

// Summary is what the mediator's list of learners and the learners'
// spreadsheet show of a learner, without their whole history.
type Summary struct {
	ID   string
	Name string
	Code string
	// Created is when the learner was first seen; LastVisit when they were
	// last (their latest diagnostic, if later than Created).
	Created   time.Time
	LastVisit time.Time
	// LastDiagnostic is when their latest diagnostic finished (zero if
	// none); Diagnostics counts them.
	LastDiagnostic time.Time
	Diagnostics    int
	// Levels holds the level band of each domain the learner was tested
	// in, from the latest diagnostic that answered the domain.
	Levels map[string]int
	// Mastered counts the modules mastered.
	Mastered int
	// Linked are other learner ids folded into this one.
	Linked []string
}

// IDs returns the learner's id followed by those linked into them: every
// id their evidence may be journaled under.
func (s Summary) IDs() []string { return append([]string{s.ID}, s.Linked...) }

// LastVisit is when the learner was last seen: their latest diagnostic,
// or when they were first seen.
func (l Learner) LastVisit() time.Time {
	if n := len(l.Diagnostics); n > 0 && l.Diagnostics[n-1].At.After(l.Created) {
		return l.Diagnostics[n-1].At
	}
	return l.Created
}

// Latest returns the learner's latest answered result in a domain.
func (l Learner) Latest(domain string) (event.DomainResult, bool) {
	for i := len(l.Diagnostics) - 1; i >= 0; i-- {
		if r, ok := l.Diagnostics[i].Result(domain); ok {
			return r, true
		}
	}
	return event.DomainResult{}, false
}

// Summarize returns the learner's summary.
func (l Learner) Summarize() Summary {
	s := Summary{ID: l.ID, Name: l.Name, Code: l.Code, Created: l.Created, LastVisit: l.LastVisit(),
		Diagnostics: len(l.Diagnostics), Mastered: len(l.Mastered), Linked: l.Linked, Levels: map[string]int{}}
	if n := len(l.Diagnostics); n > 0 {
		s.LastDiagnostic = l.Diagnostics[n-1].At
	}
	for _, d := range l.Diagnostics {
		for _, r := range d.Results {
			if res, ok := l.Latest(r.Domain); ok {
				s.Levels[r.Domain] = res.Band
			}
		}
	}
	return s
}

// Summaries returns the summary of every learner not erased, the most
// recently seen first (then the oldest first seen, then by id): the order
// of the mediator's list.
func (b *Book) Summaries() []Summary {
	list := b.List()
	out := make([]Summary, len(list))
	for i, l := range list {
		out[i] = l.Summarize()
	}
	SortSummaries(out)
	return out
}

// SortSummaries puts summaries in the order of the mediator's list: the
// most recently seen first, then the oldest first seen, then by id.
func SortSummaries(s []Summary) {
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if !a.LastVisit.Equal(b.LastVisit) {
			return a.LastVisit.After(b.LastVisit)
		}
		if !a.Created.Equal(b.Created) {
			return a.Created.Before(b.Created)
		}
		return a.ID < b.ID
	})
}

// Aliases returns the links the book folded: each learner linked into
// another, with the learner they were linked into (follow the chain to the
// learner kept).
func (b *Book) Aliases() map[string]string {
	out := make(map[string]string, len(b.alias))
	for from, to := range b.alias {
		out[from] = to
	}
	return out
}
