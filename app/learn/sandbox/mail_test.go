package sandbox_test

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	"github.com/tremplin-numerique/tremplin/content"
)

// mailItem is co-pj-4 of the default pack with second-edition data: a
// file picker of 3 documents and a rule on the body.
func mailItem(action string) *content.Item {
	m := &content.Mail{From: "conseiller@francetravail.fr", Subject: "Votre attestation",
		Body: "Bonjour, merci de m'envoyer votre attestation de la CAF.", Action: action}
	switch action {
	case "attach":
		m.Attach = "attestation-caf.pdf"
		m.Files = []string{"photo-chat.jpg", "facture-edf.pdf"}
	case "reply":
		m.Reply = []string{"oui"}
	case "forward":
		m.Rules = []content.Rule{{Field: "to", Op: "equals", Values: []string{"marie.dupont@orange.fr"}}, {Field: "body", Op: "not-empty"}}
	}
	return &content.Item{ID: "mail", Kind: content.KindSandboxMail, Prompt: "Mail", Hint: "Cliquez sur le trombone.",
		Practice: &content.Practice{Mail: m}}
}

func TestMailAttachAndSend(t *testing.T) {
	r := newRig(t, mailItem("attach"))
	m := r.s.(*sandbox.Mailbox)
	if len(m.Messages) != 3 {
		t.Fatalf("%d messages, want the practice one and 2 everyday ones", len(m.Messages))
	}
	test.Tap(m.Messages[0])
	test.Tap(m.Reply)
	if m.To.Text != "conseiller@francetravail.fr" || m.Subject.Text != "RE: Votre attestation" {
		t.Errorf("reply to %q about %q", m.To.Text, m.Subject.Text)
	}
	test.Type(m.Body, "Bonjour, voici mon attestation.")
	test.Tap(m.AttachButton)
	if len(m.Files) != 3 || m.Files[0].Text != "attestation-caf.pdf" {
		t.Fatalf("picker offers %d files, first %q", len(m.Files), m.Files[0].Text)
	}
	test.Tap(m.Files[0])
	if m.Attached.Text != "Pièce jointe : attestation-caf.pdf" {
		t.Errorf("attached %q", m.Attached.Text)
	}
	test.Tap(m.Send)
	if res := r.result(); !res.Success {
		t.Errorf("result %+v", res)
	}
	want := []string{"open:practice", "reply:practice", "click:attach_button", "attach:attestation-caf.pdf", "send:reply"}
	if got := r.kinds(); len(got) != len(want) {
		t.Errorf("actions %v, want %v", got, want)
	} else {
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("action %d is %s, want %s", i, got[i], want[i])
			}
		}
	}
}

func TestMailWrongAttachment(t *testing.T) {
	r := newRig(t, mailItem("attach"))
	m := r.s.(*sandbox.Mailbox)
	test.Tap(m.Messages[0])
	test.Tap(m.Reply)
	test.Tap(m.AttachButton)
	test.Tap(m.Files[2]) // photo-chat.jpg
	test.Tap(m.Send)
	res := r.result()
	if res.Success || res.Measures["rules_failed"] != 1 || m.Status.Text != "Vérifiez la pièce jointe." {
		t.Errorf("result %+v, status %q", res, m.Status.Text)
	}
	// Réessayer: a clean mailbox, then the right file works.
	r.s.Reset()
	r.results = nil
	test.Tap(m.Messages[0])
	test.Tap(m.Reply)
	test.Tap(m.AttachButton)
	test.Tap(m.Files[0])
	test.Tap(m.Send)
	if !r.result().Success {
		t.Error("the right attachment after Réessayer fails")
	}
}

func TestMailReplyRules(t *testing.T) {
	for _, tc := range []struct {
		body string
		ok   bool
	}{
		{"Oui, je viens mardi.", true},
		{"OUI", true},
		{"Non merci", false},
		{"", false},
	} {
		r := newRig(t, mailItem("reply"))
		m := r.s.(*sandbox.Mailbox)
		test.Tap(m.Messages[0])
		test.Tap(m.Reply)
		test.Type(m.Body, tc.body)
		test.Tap(m.Send)
		if res := r.result(); res.Success != tc.ok {
			t.Errorf("reply %q: success %v, want %v", tc.body, res.Success, tc.ok)
		}
	}
}

func TestMailForwardNeedsRecipient(t *testing.T) {
	r := newRig(t, mailItem("forward"))
	m := r.s.(*sandbox.Mailbox)
	test.Tap(m.Messages[0])
	test.Tap(m.Forward)
	test.Type(m.Body, "Pour toi")
	test.Tap(m.Send)
	if len(r.results) != 0 || len(r.said) != 1 {
		t.Fatalf("sending with no recipient ended the attempt (%+v) or said nothing (%q)", r.results, r.said)
	}
	test.Type(m.To, " Marie.Dupont@orange.fr ")
	test.Tap(m.Send)
	if !r.result().Success {
		t.Errorf("forward to a lenient address fails: %q", m.Status.Text)
	}
}

func TestMailReportAndDelete(t *testing.T) {
	r := newRig(t, mailItem("report"))
	m := r.s.(*sandbox.Mailbox)
	test.Tap(m.Messages[0])
	test.Tap(m.Report)
	if !r.result().Success || m.Messages[0].Visible() {
		t.Error("reporting the message fails or leaves it in the list")
	}
	// Deleting instead of reporting is a miss; so is reporting another message.
	r = newRig(t, mailItem("report"))
	m = r.s.(*sandbox.Mailbox)
	test.Tap(m.Messages[0])
	test.Tap(m.Delete)
	if r.result().Success {
		t.Error("delete counted as report")
	}
	r = newRig(t, mailItem("delete"))
	m = r.s.(*sandbox.Mailbox)
	test.Tap(m.Messages[1])
	test.Tap(m.Delete)
	if r.result().Success {
		t.Error("deleting another message counted")
	}
	r.s.ShowSolution()
	if m.Delete.Importance != widget.WarningImportance || !m.Banner.Visible() {
		t.Error("solution not shown")
	}
}
