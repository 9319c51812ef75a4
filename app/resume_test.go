package app_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// events returns the journal's events of type typ.
func events(t *testing.T, j *journal.Journal, typ string) []journal.Event {
	t.Helper()
	evs, err := j.Events(context.Background(), journal.Filter{Type: typ})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func sessionOf(t *testing.T, ev journal.Event) string {
	t.Helper()
	var p struct {
		SessionID string `json:"session_id"`
	}
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		t.Fatal(err)
	}
	return p.SessionID
}

// TestResumeAfterKill: the kiosk is killed in the middle of a visit (here:
// a new kiosk opens the same journal, as after a restart). The welcome
// screen offers to resume, says so aloud, and the visit goes on in the
// same session with every earlier answer counted — also an answer that
// was journaled but not yet in the saved state.
func TestResumeAfterKill(t *testing.T) {
	f := newFixture(t)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Now: clock})
	f.k.Show(f.w)
	if f.k.Welcome.Resume.Visible() {
		t.Fatal("resume offered with nothing to resume")
	}
	startTest(f.k)
	for i := 0; i < 3; i++ {
		f.answer(t, i)
		test.Tap(f.k.Question.Continue)
	}
	session := sessionOf(t, events(t, f.j, journal.TypeSessionStarted)[0])
	// The kiosk dies after journaling a 4th answer, before saving its state.
	shown := f.k.Question.Item()
	learner := events(t, f.j, journal.TypeAnswerRecorded)[0].LearnerID
	if _, err := f.j.Append(context.Background(), journal.TypeAnswerRecorded, learner, map[string]any{
		"session_id": session, "item_id": shown.ID, "outcome": "dont_know", "correct": false,
	}); err != nil {
		t.Fatal(err)
	}

	now = now.Add(5 * time.Minute)
	f.voice.reset()
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Now: clock})
	f.k.Show(f.w)
	if !f.k.Welcome.Resume.Visible() {
		t.Fatal("no offer to resume the interrupted visit")
	}
	if said := f.voice.last(); said != f.cat.T("say.visit.resume") {
		t.Errorf("welcome said %q, want the resume offer", said)
	}
	test.Tap(f.k.Welcome.Resume)
	if f.k.Question == nil || f.k.Warmup != nil {
		t.Fatal("no question after resuming")
	}
	if f.k.Question.Item().ID == shown.ID {
		t.Errorf("the answered item %s is asked again", shown.ID)
	}
	if evs := events(t, f.j, app.TypeSessionResumed); len(evs) != 1 || sessionOf(t, evs[0]) != session {
		t.Errorf("session.resumed events %v", evs)
	}
	f.answer(t, 0)
	test.Tap(f.k.Question.Continue)
	stopTest(f.k)
	fin := events(t, f.j, journal.TypeDiagnosticFinished)
	if len(fin) != 1 || sessionOf(t, fin[0]) != session || fin[0].LearnerID != learner {
		t.Fatalf("diagnostic.finished %v", fin)
	}
	total := 0
	for _, r := range finishedResults(t, f.j)[0] {
		total += r.Items
	}
	if total != 5 {
		t.Errorf("result counts %d answers, want 3 + the unsaved one + 1 after resuming", total)
	}
	if len(events(t, f.j, journal.TypeSessionStarted)) != 1 {
		t.Error("resuming started a new session")
	}

	// Finished: nothing left to resume.
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Now: clock})
	f.k.Show(f.w)
	if f.k.Welcome.Resume.Visible() {
		t.Error("a finished visit offered for resuming")
	}
}

// TestInterruptedVisitNotOfferedToOthers: an interrupted visit is not
// offered after ResumeWithin, nor once a new visitor starts, nor after an
// idle visitor left; each time its state is kept as a paused session.
func TestInterruptedVisitNotOfferedToOthers(t *testing.T) {
	f := newFixture(t)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	restart := func() {
		f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Now: clock})
		f.k.Show(f.w)
	}
	interrupt := func() {
		restart()
		startTest(f.k)
		f.answer(t, 0)
		test.Tap(f.k.Question.Continue)
	}

	interrupt()
	now = now.Add(app.ResumeWithin + time.Minute)
	restart()
	if f.k.Welcome.Resume.Visible() {
		t.Error("offered after ResumeWithin")
	}
	if n := len(events(t, f.j, app.TypeSessionPaused)); n != 1 {
		t.Errorf("%d paused sessions after the stale one, want 1", n)
	}

	interrupt()
	restart()
	if !f.k.Welcome.Resume.Visible() {
		t.Fatal("not offered just after the interruption")
	}
	startTest(f.k) // someone else
	if n := len(events(t, f.j, app.TypeSessionPaused)); n != 2 {
		t.Errorf("%d paused sessions after a new visitor started, want 2", n)
	}
	f.answer(t, 0)
	test.Tap(f.k.Question.Continue)
	now = now.Add(app.IdleAsk + app.IdleGiveUp + time.Second)
	f.k.CheckIdle()
	f.k.CheckIdle()
	if f.k.Welcome == nil || f.k.Question != nil {
		t.Fatal("idle visitor not sent back to the welcome screen")
	}
	restart()
	if f.k.Welcome.Resume.Visible() {
		t.Error("an idle visitor's test offered to the next one")
	}
}

func (v *recordingVoice) reset() { v.mu.Lock(); v.said = nil; v.mu.Unlock() }

// TestUnresumableVisit: a visit saved with another version of the content
// cannot be restored; the visitor is told, kindly, and starts afresh, and
// the saved state is kept as a paused session.
func TestUnresumableVisit(t *testing.T) {
	f := newFixture(t)
	saved, _ := json.Marshal(map[string]any{"learner_id": "L", "session_id": "S", "pack": f.pack.Meta.ID,
		"pack_version": "0.0.0-old", "saved_at": time.Now(), "state": json.RawMessage(`{"version":1}`)})
	if err := f.j.SetState(context.Background(), "kiosk.session", string(saved)); err != nil {
		t.Fatal(err)
	}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice})
	f.k.Show(f.w)
	test.Tap(f.k.Welcome.Resume)
	if f.k.Question != nil || !f.k.Welcome.Error.Visible() || f.k.Welcome.Error.Text != f.cat.T("resume.failed") || f.k.Welcome.Resume.Visible() {
		t.Errorf("after a failed resume: question %v, message %q", f.k.Question != nil, f.k.Welcome.Error.Text)
	}
	if evs := events(t, f.j, app.TypeSessionPaused); len(evs) != 1 || evs[0].LearnerID != "L" {
		t.Errorf("paused sessions %v", evs)
	}
	startTest(f.k)
	if f.k.Question == nil {
		t.Error("no new test after a failed resume")
	}
}

// TestResumeOfferExpiresOnScreen: an offer left on an idle welcome screen
// disappears once ResumeWithin has passed, and a late tap does not resume.
func TestResumeOfferExpiresOnScreen(t *testing.T) {
	f := newFixture(t)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	start := func() {
		f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Now: clock})
		f.k.Show(f.w)
	}
	start()
	startTest(f.k)
	f.answer(t, 0)
	start() // the kiosk restarted
	if !f.k.Welcome.Resume.Visible() {
		t.Fatal("no offer")
	}
	now = now.Add(app.ResumeWithin + time.Second)
	test.Tap(f.k.Welcome.Resume) // too late
	if f.k.Question != nil || f.k.Welcome.Resume.Visible() {
		t.Error("resumed, or still offered, after ResumeWithin")
	}

	start()
	startTest(f.k)
	f.answer(t, 0)
	start()
	now = now.Add(app.ResumeWithin + time.Second)
	f.k.CheckIdle()
	if f.k.Welcome.Resume.Visible() {
		t.Error("the offer is still on the idle welcome screen after ResumeWithin")
	}
	if n := len(events(t, f.j, app.TypeSessionPaused)); n != 2 {
		t.Errorf("%d paused sessions, want the 2 expired visits", n)
	}
}
