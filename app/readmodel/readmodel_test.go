package readmodel_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/app/readmodel"
	"github.com/tremplin-numerique/tremplin/app/skills"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/internal/populate"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

type site struct {
	path  string
	j     *journal.Journal
	m     *readmodel.Model
	pack  *content.Pack
	clock time.Time
	seen  map[string]int
	ids   []string // every learner written, erased ones too
}

// newSite opens a journal with the read model attached, then writes n
// learners with high rates of the rare events (links, erasures, names).
func newSite(t *testing.T, n int) *site {
	t.Helper()
	ctx := context.Background()
	pack, err := content.Load(assets.DefaultPack())
	if err != nil {
		t.Fatal(err)
	}
	s := &site{path: filepath.Join(t.TempDir(), "journal.db"), pack: pack, seen: map[string]int{},
		clock: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	s.j, err = journal.Open(ctx, s.path, journal.WithClock(func() time.Time { return s.clock }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.j.Close() })
	if s.m, err = readmodel.Open(ctx, s.j); err != nil {
		t.Fatal(err)
	}
	p := populate.Site{J: s.j, Pack: pack, Rand: rand.New(rand.NewPCG(17, 4)), Clock: &s.clock,
		Rates: populate.Rates{Named: 0.5, Noted: 0.3, Linked: 0.12, Erased: 0.06, Path: 0.1}}
	c, err := p.Run(ctx, n, s.clock, s.clock.AddDate(0, 2, 0))
	if err != nil {
		t.Fatal(err)
	}
	s.ids = c.Learners
	for typ, k := range c.ByType {
		s.seen[typ] += k
	}
	return s
}

// oddSkill is a skill id (from another device's pack, say) holding a
// space and a line break.
const oddSkill = "compétence bizarre\nsur deux lignes"

// merge pulls events another device of the site wrote, as a sync does: a
// later rename, a link, answers and an erasure of learners of this device.
func (s *site) merge(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	var evs []journal.Event
	hlc := journal.HLC(s.clock.Add(time.Hour).UnixMilli()) << 16
	add := func(typ, learner string, p any) {
		body, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		hlc++
		evs = append(evs, journal.Event{ID: "merged-" + typ + "-" + learner + "-" + string(rune('a'+len(evs))),
			DeviceID: "other-device", Seq: int64(len(evs) + 1), WallTime: s.clock.Add(time.Hour), HLC: hlc,
			Type: typ, LearnerID: learner, Payload: body})
	}
	a, b, c, d := s.ids[3], s.ids[7], s.ids[11], s.ids[13]
	skill := s.pack.Items[0].Skill
	add(event.TypeLearnerRenamed, a, event.LearnerRenamed{Name: "Renommée ailleurs"})
	add(event.TypeAnswerRecorded, b, event.AnswerRecorded{LearnerID: b, Skill: skill, Outcome: event.OutcomeCorrect, Correct: true})
	add(event.TypeAnswerRecorded, b, event.AnswerRecorded{LearnerID: b, Skill: oddSkill, Outcome: event.OutcomeIncorrect})
	add(event.TypeLearnersLinked, b, event.LearnersLinked{Linked: []string{c}})
	add(event.TypeLearnerCodeAssigned, a, event.LearnerCodeAssigned{PictureCode: "chat-chat-chat-chat"}) // another device's code
	add(event.TypeLearnerErased, d, event.LearnerErased{Reason: "other device"})
	add(event.TypeModuleMastered, c, event.ModuleMastered{Module: s.pack.Modules[0].ID, Skill: skill})
	if _, err := s.j.Merge(ctx, evs, "cursor-1"); err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		s.seen["merged "+ev.Type]++
	}
}

// check compares the read model with folding the whole journal.
func check(t *testing.T, s *site, m interface {
	Summaries(context.Context) ([]learners.Summary, error)
	Learner(context.Context, string) (learners.Learner, bool, error)
}, skillsOf func(ids ...string) (func(skill string, ids ...string) int, error)) {
	t.Helper()
	ctx := context.Background()
	ref := readmodel.Replay{R: s.j, Device: s.j.DeviceID}
	book, err := learners.Load(ctx, s.j, s.j.DeviceID())
	if err != nil {
		t.Fatal(err)
	}
	want := book.Summaries()
	got, err := m.Summaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("read model lists %d learners, the journal %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("learner %d:\nread model %+v\njournal    %+v", i, got[i], want[i])
		}
	}
	refSkills, err := ref.Skills(ctx)
	if err != nil {
		t.Fatal(err)
	}
	of, err := skillsOf()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range append(append([]string{}, s.ids...), "unknown-learner") {
		wl, wok := book.Learner(id)
		gl, gok, err := m.Learner(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if gok != wok || !sameLearner(gl, wl) {
			t.Fatalf("learner %s:\nread model %v %+v\njournal    %v %+v", id, gok, gl, wok, wl)
		}
		ids := []string{id}
		if wok {
			ids = append([]string{wl.ID}, wl.Linked...)
		}
		all := []string{oddSkill}
		for _, d := range s.pack.Domains {
			for _, c := range d.Competences {
				for _, sk := range c.Skills {
					all = append(all, sk.ID)
				}
			}
		}
		for _, sk := range all {
			if g, w := of(sk, ids...), int(refSkills.Of(sk, ids...)); g != w {
				t.Fatalf("skill %q of %v: read model %d, journal %d", sk, ids, g, w)
			}
		}
	}
}

// sameLearner compares two learners on what they show (the clock of the
// name, unexported, is the fold's own business).
func sameLearner(a, b learners.Learner) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb) && reflect.DeepEqual(a.Diagnostics, b.Diagnostics)
}

func modelSkills(m *readmodel.Model) func(ids ...string) (func(string, ...string) int, error) {
	return func(...string) (func(string, ...string) int, error) {
		t, err := m.Skills(context.Background())
		if err != nil {
			return nil, err
		}
		return func(skill string, ids ...string) int { return int(t.Of(skill, ids...)) }, nil
	}
}

// TestMatchesReplay: on a populated journal holding every kind of event
// the mediator's screens read — answers, diagnostics with retakes,
// practice, modules mastered, codes, renames, notes, paths, links between
// learners, erasures, and events pulled from another device — the read
// model kept up to date as the events were written gives exactly what
// folding the whole journal gives: the list, every learner's page (by their
// id or a linked one; erased and unknown ones not found) and every skill's
// status. So does the read model rebuilt from scratch.
func TestMatchesReplay(t *testing.T) {
	s := newSite(t, 240)
	s.merge(t)
	for _, typ := range []string{event.TypeLearnerCreated, event.TypeLearnerCodeAssigned, event.TypeSessionStarted,
		event.TypeAnswerRecorded, event.TypeDiagnosticFinished, event.TypeModuleStarted, event.TypePracticeAttempt,
		event.TypeModuleMastered, event.TypeLearnerRenamed, event.TypeLearnerNoted, event.TypePathAssigned,
		event.TypeLearnersLinked, event.TypeLearnerErased,
		"merged " + event.TypeLearnerRenamed, "merged " + event.TypeAnswerRecorded, "merged " + event.TypeLearnersLinked,
		"merged " + event.TypeLearnerCodeAssigned, "merged " + event.TypeLearnerErased, "merged " + event.TypeModuleMastered} {
		if s.seen[typ] == 0 {
			t.Errorf("the journal holds no %s event", typ)
		}
	}
	retakes := 0
	ref := readmodel.Replay{R: s.j, Device: s.j.DeviceID}
	list, err := ref.Summaries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	linked := 0
	for _, l := range list {
		if l.Diagnostics > 1 {
			retakes++
		}
		linked += len(l.Linked)
	}
	if retakes == 0 || linked == 0 {
		t.Fatalf("no retake (%d) or no linked learner (%d) to compare", retakes, linked)
	}
	refSkills, err := ref.Skills(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	odd := false
	for _, id := range s.ids {
		odd = odd || refSkills.Of(oddSkill, id) != 0
	}
	if !odd {
		t.Fatal("no learner has evidence on the odd skill id")
	}
	t.Logf("%d learners listed, %d retook a diagnostic, %d links; events: %v", len(list), retakes, linked, s.seen)
	check(t, s, s.m, modelSkills(s.m))

	// Rebuilt from the events: the same.
	if _, err := s.j.DB().Exec(`DELETE FROM state WHERE key = 'projection.learners'`); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := s.j.Refresh(context.Background(), s.m)
	if err != nil || !rebuilt {
		t.Fatalf("rebuild: %v %v", rebuilt, err)
	}
	check(t, s, s.m, modelSkills(s.m))
}

// TestFollowsOtherWriters: events written by another process (a journal
// opened without the read model), a new device identity and dropped
// tables are all caught up when the mediator next reads.
func TestFollowsOtherWriters(t *testing.T) {
	ctx := context.Background()
	s := newSite(t, 30)
	other, err := journal.Open(ctx, s.path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Append(ctx, event.TypeLearnerRenamed, s.ids[2], event.LearnerRenamed{Name: "Écrit par un autre"}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Erase(ctx, s.ids[4], "test"); err != nil {
		t.Fatal(err)
	}
	check(t, s, s.m, modelSkills(s.m))
	l, ok, err := s.m.Learner(ctx, s.ids[2])
	if err != nil || !ok || l.Name != "Écrit par un autre" {
		t.Fatalf("rename by another process: %+v %v %v", l, ok, err)
	}

	// A new identity (enrolment): this device's codes are now those
	// journaled under the new id, as a replay says.
	if _, err := s.j.AdoptIdentity(ctx, "enrolled-device", journal.IdentityEnrolled); err != nil {
		t.Fatal(err)
	}
	check(t, s, s.m, modelSkills(s.m))

	if _, err := s.j.DB().Exec(`DROP TABLE rm_learner`); err != nil {
		t.Fatal(err)
	}
	check(t, s, s.m, modelSkills(s.m))
}

// TestEraseLeavesNoTrace: erasing a learner removes them from the read
// model, and nothing of them (name, note, picture code) remains in the
// journal's file or its write-ahead log.
func TestEraseLeavesNoTrace(t *testing.T) {
	ctx := context.Background()
	s := newSite(t, 20)
	// A learner linked with no other: erasing a linked one leaves the
	// learner they were linked into.
	var id string
	for _, c := range s.ids[3:] {
		if l, ok, err := s.m.Learner(ctx, c); err == nil && ok && l.ID == c && len(l.Linked) == 0 {
			id = c
			break
		}
	}
	name, note := "Zéphyrine Trace-Introuvable", "NOTE-SECRETE-8812"
	if _, err := s.j.Append(ctx, event.TypeLearnerRenamed, id, event.LearnerRenamed{Name: name}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.j.Append(ctx, event.TypeLearnerNoted, id, event.LearnerNoted{Text: note}); err != nil {
		t.Fatal(err)
	}
	l, ok, err := s.m.Learner(ctx, id)
	if err != nil || !ok || l.Name != name || l.Code == "" {
		t.Fatalf("before the erasure: %+v %v %v", l, ok, err)
	}
	code := l.Code
	if _, err := s.j.Erase(ctx, id, "test"); err != nil {
		t.Fatal(err)
	}
	if l, ok, err := s.m.Learner(ctx, id); ok {
		t.Fatalf("the erased learner is still in the read model: %+v %v", l, err)
	}
	list, err := s.m.Summaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range list {
		if l.ID == id {
			t.Fatal("the erased learner is still listed")
		}
	}
	tb, err := s.m.Skills(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range s.pack.Items {
		if tb.Of(it.Skill, id) != 0 {
			t.Fatalf("the erased learner's evidence on %s is still there", it.Skill)
		}
	}
	for _, table := range []string{"rm_learner", "rm_skill"} {
		var n int
		col := map[string]string{"rm_learner": "id", "rm_skill": "learner_id"}[table]
		if err := s.j.DB().QueryRow(`SELECT count(*) FROM `+table+` WHERE `+col+` = ?`, id).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%s still holds %d rows of the erased learner (%v)", table, n, err)
		}
	}
	for _, f := range []string{s.path, s.path + "-wal"} {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{name, note, code} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s still holds %q", filepath.Base(f), secret)
			}
		}
	}
	check(t, s, s.m, modelSkills(s.m))
}

// writingWhileBuilding is the read model with a kiosk that goes on writing
// while the read model is built from the events.
type writingWhileBuilding struct {
	*readmodel.Model
	during func()
}

func (w writingWhileBuilding) Build(ctx context.Context, db *sql.DB, upTo int64) (func(context.Context, *sql.Tx) error, error) {
	write, err := w.Model.Build(ctx, db, upTo)
	w.during()
	return write, err
}

// TestBuildWhileWriting: a visitor's answers, a rename and an erasure
// stored while the read model is being built (the journal is not held
// then) are in it once built.
func TestBuildWhileWriting(t *testing.T) {
	ctx := context.Background()
	s := newSite(t, 30)
	if _, err := s.j.DB().Exec(`DELETE FROM state WHERE key = 'projection.learners'`); err != nil {
		t.Fatal(err)
	}
	skill := s.pack.Items[0].Skill
	during := func() {
		for _, ev := range []struct {
			typ, learner string
			p            any
		}{
			{event.TypeAnswerRecorded, s.ids[1], event.AnswerRecorded{LearnerID: s.ids[1], Skill: skill, Outcome: event.OutcomeCorrect, Correct: true}},
			{event.TypeLearnerRenamed, s.ids[1], event.LearnerRenamed{Name: "Pendant la construction"}},
		} {
			if _, err := s.j.Append(ctx, ev.typ, ev.learner, ev.p); err != nil {
				t.Error(err)
			}
		}
		if _, err := s.j.Erase(ctx, s.ids[2], "test"); err != nil {
			t.Error(err)
		}
	}
	if err := s.j.Attach(ctx, writingWhileBuilding{s.m, during}); err != nil {
		t.Fatal(err)
	}
	check(t, s, s.m, modelSkills(s.m))
	l, ok, err := s.m.Learner(ctx, s.ids[1])
	if err != nil || !ok || l.Name != "Pendant la construction" {
		t.Fatalf("rename written during the build: %+v %v %v", l, ok, err)
	}
	tb, err := s.m.Skills(ctx, s.ids[1])
	if err != nil || tb.Of(skill, s.ids[1]) != skills.Mastered {
		t.Fatalf("answer written during the build: %v", err)
	}
	if _, ok, _ := s.m.Learner(ctx, s.ids[2]); ok {
		t.Fatal("learner erased during the build is still there")
	}
}
