package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "tremplin ") {
		t.Errorf("--version: code %d, %q", code, out)
	}
}

func TestBadPackIsRefusedInFrench(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCmd(t, "--data-dir", dir, "--pack", filepath.Join(dir, "absent"))
	if code == 0 {
		t.Fatal("missing pack accepted")
	}
	if !strings.Contains(errOut, "n'est pas valable") {
		t.Errorf("message not in French: %q", errOut)
	}
	bad := filepath.Join(dir, "bad")
	os.MkdirAll(filepath.Join(bad, "items"), 0o755)
	os.WriteFile(filepath.Join(bad, "pack.yaml"), []byte("id: x\nschema: 1\n"), 0o644)
	os.WriteFile(filepath.Join(bad, "framework.yaml"), []byte("domains: [\n"), 0o644)
	code, _, errOut = runCmd(t, "--data-dir", dir, "--pack", bad)
	if code == 0 || !strings.Contains(errOut, "framework.yaml") {
		t.Errorf("invalid pack: code %d, %q", code, errOut)
	}
}

func TestCorruptJournalIsKept(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.db")
	junk := bytes.Repeat([]byte("garbage!"), 1000)
	os.WriteFile(path, junk, 0o600)
	code, _, errOut := runCmd(t, "--data-dir", dir)
	if code == 0 {
		t.Fatal("corrupt journal accepted")
	}
	if !strings.Contains(errOut, "abîmé") {
		t.Errorf("message: %q", errOut)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, junk) {
		t.Error("the damaged journal was changed")
	}
	if code, _, _ := runCmd(t, "journal", "--data-dir", dir); code == 0 {
		t.Error("journal command read a corrupt journal without complaint")
	}
}

func TestUnwritableDataDir(t *testing.T) {
	f := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(f, nil, 0o600)
	code, _, errOut := runCmd(t, "--data-dir", filepath.Join(f, "data"))
	if code == 0 || !strings.Contains(errOut, "Impossible d'écrire") {
		t.Errorf("code %d, %q", code, errOut)
	}
}

func TestUnknownLanguageAndFlag(t *testing.T) {
	if code, _, errOut := runCmd(t, "--lang", "de", "--version"); code != 2 || !strings.Contains(errOut, "Langue inconnue") {
		t.Errorf("--lang de: %d %q", code, errOut)
	}
	if code, _, _ := runCmd(t, "--nope"); code != 2 {
		t.Errorf("unknown flag: code %d", code)
	}
}

func TestJournalCommandPrintsJSONLines(t *testing.T) {
	dir := t.TempDir()
	if code, out, _ := runCmd(t, "journal", "--data-dir", dir); code != 0 || out != "" {
		t.Fatalf("empty journal: %d %q", code, out)
	}
	j, err := journal.Open(context.Background(), filepath.Join(dir, "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	j.Append(context.Background(), journal.TypeAnswerRecorded, "L", map[string]any{"item_id": "a", "correct": true})
	j.Append(context.Background(), journal.TypeAnswerRecorded, "L", map[string]any{"item_id": "b", "correct": false})
	j.Close()
	code, out, errOut := runCmd(t, "journal", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %q", len(lines), out)
	}
	var e journal.Event
	if err := json.Unmarshal([]byte(lines[0]), &e); err != nil || e.Type != journal.TypeAnswerRecorded || e.Seq != 1 {
		t.Errorf("line 1: %s (%v)", lines[0], err)
	}
}

func TestNoDisplayIsAClearMessage(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	code, _, errOut := runCmd(t, "--data-dir", t.TempDir())
	if code == 0 || !strings.Contains(errOut, "Aucun écran") {
		t.Errorf("code %d, %q", code, errOut)
	}
}

func TestPinCommand(t *testing.T) {
	dir := t.TempDir()
	stdin = strings.NewReader("12\n")
	if code, _, errOut := runCmd(t, "pin", "--data-dir", dir); code == 0 || !strings.Contains(errOut, "au moins 6") {
		t.Errorf("short PIN: %d %q", code, errOut)
	}
	stdin = strings.NewReader("482193\n")
	defer func() { stdin = os.Stdin }()
	if code, out, errOut := runCmd(t, "pin", "--data-dir", dir); code != 0 || !strings.Contains(out, "enregistré") {
		t.Fatalf("pin: %d %q %q", code, out, errOut)
	}
	j, err := journal.Open(context.Background(), filepath.Join(dir, "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	m := &mediator{j: j}
	if h := m.PINHash(); !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, "482193") {
		t.Errorf("stored %q", h)
	}
}

func TestEnrollAndSyncExplainProblems(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCmd(t, "enroll", "--data-dir", dir); code != 2 || !strings.Contains(errOut, "--server") {
		t.Errorf("enroll without flags: %d %q", code, errOut)
	}
	code, _, errOut := runCmd(t, "sync", "--data-dir", dir)
	if code == 0 || !strings.Contains(errOut, "pas encore inscrit") {
		t.Errorf("sync before enrolment: %d %q", code, errOut)
	}
	// A server that is not there: a plain message, nothing lost.
	code, _, errOut = runCmd(t, "enroll", "--data-dir", dir, "--server", "http://127.0.0.1:1", "--code", "ABCD-EFGH")
	if code == 0 || !strings.Contains(errOut, "connexion") {
		t.Errorf("enroll to nowhere: %d %q", code, errOut)
	}
}

// TestEnrollRefusesPlainHTTPAndSpeaksTheLanguage: a plain http:// server
// that is not on this machine is refused unless --insecure, in the
// interface's language; sync --server needs an enrolled device.
func TestEnrollRefusesPlainHTTPAndSpeaksTheLanguage(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCmd(t, "enroll", "--data-dir", dir, "--server", "http://sync.exemple.fr", "--code", "ABCD-EFGH")
	if code == 0 || !strings.Contains(errOut, "pas chiffrée") {
		t.Errorf("http enrolment: %d %q", code, errOut)
	}
	code, _, errOut = runCmd(t, "enroll", "--lang", "en", "--data-dir", dir, "--server", "http://sync.exemple.fr", "--code", "ABCD-EFGH")
	if code == 0 || !strings.Contains(errOut, "not encrypted") {
		t.Errorf("http enrolment in English: %d %q", code, errOut)
	}
	code, out, errOut := runCmd(t, "sync", "--lang", "en", "--data-dir", dir, "--server", "https://sync.exemple.fr")
	if code == 0 || !strings.Contains(out, "https://sync.exemple.fr") || !strings.Contains(errOut, "not enrolled") {
		t.Errorf("sync --server before enrolment: %d %q %q", code, out, errOut)
	}
}

func TestJournalLearners(t *testing.T) {
	dir := t.TempDir()
	j, err := journal.Open(context.Background(), filepath.Join(dir, "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	j.Append(ctx, event.TypeLearnerCreated, "L1", event.LearnerCreated{Anonymous: true})
	j.Append(ctx, event.TypeLearnerCodeAssigned, "L1", event.LearnerCodeAssigned{PictureCode: "soleil-chat-lune-cle"})
	j.Append(ctx, event.TypeDiagnosticFinished, "L1", event.DiagnosticFinished{SessionID: "S1", Items: 20,
		Results: []event.DomainResult{{Domain: "internet", Items: 5, Band: 1}, {Domain: "demarches"}}})
	j.Append(ctx, event.TypeDiagnosticFinished, "L1", event.DiagnosticFinished{SessionID: "S2", Items: 22, Previous: "S1",
		Results:   []event.DomainResult{{Domain: "internet", Items: 6, Band: 3}},
		Evolution: []event.DomainEvolution{{Domain: "internet", BeforeBand: 1, AfterBand: 3, Delta: 1.2, Label: event.EvolutionUp}}})
	j.Close()
	code, out, errOut := runCmd(t, "journal", "--learners", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("%d %q", code, errOut)
	}
	for _, want := range []string{"learner L1 code soleil-chat-lune-cle", "diagnostic S1", "internet 1, demarches -", "diagnostic S2",
		"evolution since S1: internet up (1→3, +1.20)"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
}
