package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/internal/xvfb"
	"github.com/tremplin-numerique/tremplin/sync/journal"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

// TestEraseCrossesTheServer erases a learner from the mediator area of one
// kiosk and follows the erasure through the real tremplin-server (SQLite) to
// a second kiosk of the site: afterwards no file on any of the three holds
// the learner's name, note or picture code — the journal files and their
// WAL on both devices, the server's database and its WAL.
func TestEraseCrossesTheServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binaries")
	}
	site := newSyncSite(t)
	dirA, dirB := site.device(t), site.device(t)

	// Device A: a visitor keeps a code; the mediator names them and
	// writes a note.
	ka := newMediatedKiosk(t, dirA)
	startTest(ka.k)
	ka.answerAll(t, false)
	test.Tap(ka.k.Results.Keep)
	code := ka.k.CodeShown.Code
	learner := ka.k.Visit().LearnerID()
	test.Tap(ka.k.CodeShown.Done)
	page := ka.openLearner(t, learner)
	const name, note = "Zéphyrine-Eraseme", "NOTE-SECRETE-0815 aide pour la CAF"
	test.Type(page.Name, name)
	test.Tap(page.SaveName)
	test.Type(page.Note, note)
	test.Tap(page.AddNote)
	secrets := []string{name, "NOTE-SECRETE-0815", code}

	site.sync(t, dirA)
	site.sync(t, dirB)
	// The check below only means something if the secrets travelled.
	if !filesHold(t, filepath.Join(dirB, "journal.db"), name) {
		t.Fatal("device B never received the learner's name: the erase check would prove nothing")
	}
	if !filesHold(t, site.db, name) {
		t.Fatal("the server never stored the learner's name")
	}
	// The dashboard's read model, in the server's database too, must have
	// folded the name before the erasure for the check to cover it.
	site.waitDashboard(t, learner, true)

	// The mediator on A, still on the learner's page, erases them; A
	// syncs, then B.
	test.Tap(page.Erase)
	test.Tap(page.ConfirmErase)
	for _, l := range ka.k.Learners.Shown {
		if l.ID == learner {
			t.Fatal("the erased learner is still listed on A")
		}
	}
	site.sync(t, dirA)
	site.waitDashboard(t, learner, false)
	site.sync(t, dirB)
	ka.j.Close()
	// While the server still runs, its WAL must not keep the old pages.
	for _, sec := range secrets {
		if filesHold(t, site.db, sec) {
			t.Errorf("the running server's database or WAL still holds %q after the erasure", sec)
		}
	}

	jb, err := journal.Open(context.Background(), filepath.Join(dirB, "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	ls, err := jb.Learners(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.ID == learner {
			t.Errorf("device B still knows the learner %s after the erasure", learner)
		}
	}
	jb.Close()
	site.stop(t)

	for _, f := range []string{filepath.Join(dirA, "journal.db"), filepath.Join(dirB, "journal.db"), site.db} {
		for _, s := range secrets {
			if filesHold(t, f, s) {
				t.Errorf("%s (or its WAL) still holds %q after the erasure", f, s)
			}
		}
	}
}

// filesHold reports whether a SQLite file or its WAL holds s.
func filesHold(t *testing.T, db, s string) bool {
	t.Helper()
	for _, name := range []string{db, db + "-wal"} {
		b, err := os.ReadFile(name)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

// newMediatedKiosk is a syncKiosk with the real mediator of cmd/tremplin
// behind a PIN.
func newMediatedKiosk(t *testing.T, dir string) *syncKiosk {
	t.Helper()
	h, err := pin.Hash(mediatorPIN)
	if err != nil {
		t.Fatal(err)
	}
	return newKioskOn(t, dir, func(j *journal.Journal) app.Mediator {
		if err := j.SetState(context.Background(), pinKey, h); err != nil {
			t.Fatal(err)
		}
		return &mediator{j: j, quit: func() {}}
	})
}

const mediatorPIN = "246813"

// openLearner goes from the welcome screen through the PIN to a learner's
// page in the mediator area.
func (s *syncKiosk) openLearner(t *testing.T, id string) *app.LearnerScreen {
	t.Helper()
	if s.k.Welcome == nil {
		t.Fatal("not on the welcome screen")
	}
	test.Tap(s.k.Welcome.Mediator)
	for _, d := range mediatorPIN {
		test.Tap(s.k.PIN.Keys[d-'0'])
	}
	test.Tap(s.k.PIN.OK)
	if s.k.Mediator == nil {
		t.Fatal("the PIN did not open the mediator area")
	}
	test.Tap(s.k.Mediator.People)
	for i, l := range s.k.Learners.Shown {
		if l.ID == id {
			s.k.Learners.List.Select(i)
			break
		}
	}
	if s.k.Learner == nil || s.k.Learner.ID != id {
		t.Fatalf("learner %s not on the list", id)
	}
	return s.k.Learner
}

// syncSite is a real tremplin-server (SQLite) with one site, and the kiosk
// binary to enrol and sync devices of that site.
type syncSite struct {
	srvBin, kioskBin string
	db, dsn, id      string
	addr             string
	srv              *exec.Cmd
	stopped          bool
}

func newSyncSite(t *testing.T) *syncSite {
	t.Helper()
	s := &syncSite{
		srvBin:   xvfb.BuildBinary(t, "github.com/tremplin-numerique/tremplin/cmd/tremplin-server"),
		kioskBin: xvfb.BuildBinary(t, "github.com/tremplin-numerique/tremplin/cmd/tremplin"),
	}
	srvDir := t.TempDir()
	s.db = filepath.Join(srvDir, "server.db")
	s.dsn = "sqlite:" + s.db
	s.id = strings.Fields(s.run(t, s.srvBin, "admin", "--db", s.dsn, "site", "add", "Tiers-lieu de Confolens"))[0]
	s.addr = freeAddr(t)
	s.srv = exec.Command(s.srvBin, "--addr", s.addr, "--db", s.dsn)
	logf, err := os.Create(filepath.Join(srvDir, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	s.srv.Stdout, s.srv.Stderr = logf, logf
	if err := s.srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.stop(t)
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("server log:\n%s", b)
		}
	})
	waitHealthy(t, "http://"+s.addr)
	return s
}

// run runs a binary and returns its trimmed output, failing the test on error.
func (s *syncSite) run(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", filepath.Base(bin), args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// device enrols a new data folder in the site and returns it.
func (s *syncSite) device(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	code := strings.Fields(s.run(t, s.srvBin, "admin", "--db", s.dsn, "enroll-code", "--site", s.id))[0]
	s.run(t, s.kioskBin, "enroll", "--data-dir", dir, "--server", "http://"+s.addr, "--code", code)
	return dir
}

// sync runs `tremplin sync --once` on a device's data folder.
func (s *syncSite) sync(t *testing.T, dir string) string {
	t.Helper()
	return s.run(t, s.kioskBin, "sync", "--once", "--data-dir", dir)
}

// waitDashboard waits until the dashboard's read model of the running
// server holds the learner (present) or no longer does.
func (s *syncSite) waitDashboard(t *testing.T, learner string, present bool) {
	t.Helper()
	ctx := context.Background()
	st, err := server.OpenStore(ctx, s.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM dash_learners WHERE learner_id = ?`, learner).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if (n > 0) == present {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dashboard's read model: learner %s present=%v, want %v", learner, n > 0, present)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// stop stops the server (SIGTERM, so it closes its database cleanly).
func (s *syncSite) stop(t *testing.T) {
	t.Helper()
	if s.stopped {
		return
	}
	s.stopped = true
	s.srv.Process.Signal(syscall.SIGTERM)
	s.srv.Wait()
}
