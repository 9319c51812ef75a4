package content_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tremplin-numerique/tremplin/content"
)

// TestPracticeRulesValidated checks each second-edition practice field is
// read from YAML and refused, with its line, when it cannot work.
func TestPracticeRulesValidated(t *testing.T) {
	head := "items:\n  - id: i1\n    skill: s\n    prompt: p\n"
	cases := map[string]struct{ data, want string }{
		"mail rule unknown field": {head + "    kind: sandbox-mail\n    practice:\n      mail:\n        action: write\n        rules:\n          - field: cc\n            values: [x]\n",
			`items/a.yaml:10: error: item "i1": rule 1 checks "cc"`},
		"mail rule no value": {head + "    kind: sandbox-mail\n    practice:\n      mail:\n        action: write\n        rules:\n          - field: to\n            op: equals\n",
			"rule 1 needs at least 1 value"},
		"mail rule bad op": {head + "    kind: sandbox-mail\n    practice:\n      mail:\n        action: write\n        rules:\n          - field: body\n            op: resembles\n            values: [x]\n",
			`unknown op "resembles"`},
		"attachment not offered": {head + "    kind: sandbox-mail\n    practice:\n      mail:\n        action: write\n        files: [a.pdf]\n        rules:\n          - field: attachment\n            values: [b.pdf]\n",
			`wants the attachment "b.pdf"`},
		"forward without recipient": {head + "    kind: sandbox-mail\n    practice:\n      mail:\n        action: forward\n",
			"a forward task needs a rule on the recipient"},
		"browser unknown task": {head + "    kind: sandbox-browser\n    practice:\n      goal: caf.fr\n      task: fly\n",
			`items/a.yaml:8: error: item "i1": unknown task "fly"`},
		"spot-ad without ad": {head + "    kind: sandbox-browser\n    practice:\n      goal: caf.fr\n      task: spot-ad\n      search: [{text: CAF, url: caf.fr}]\n",
			"needs a link with ad: true"},
		"close-tab without the tab": {head + "    kind: sandbox-browser\n    practice:\n      goal: Pub\n      task: close-tab\n      tabs: [{title: A, url: a.fr}, {title: B, url: b.fr}]\n",
			"a close-tab task needs at least 2 tabs"},
		"form code without code": {head + "    kind: sandbox-form\n    practice:\n      fields:\n        - {id: c, label: Code, format: code}\n",
			"practice.code"},
		"form file without files": {head + "    kind: sandbox-form\n    practice:\n      fields:\n        - {id: j, label: Justificatif, format: file}\n",
			"needs the documents to offer"},
		"form unknown format": {head + "    kind: sandbox-form\n    practice:\n      fields:\n        - {id: j, label: Âge, format: age}\n",
			`unknown format "age"`},
		"files rename without name": {head + "    kind: sandbox-files\n    practice:\n      task: rename\n      files: [a.pdf]\n      file: a.pdf\n",
			"a rename task needs"},
		"files open outside the folder": {head + "    kind: sandbox-files\n    practice:\n      task: open\n      folders: [Téléchargements]\n      file: a.pdf\n      goal: Téléchargements\n      inside: {Téléchargements: [b.pdf]}\n",
			"an open task needs practice.file in the folder"},
		"usb without its folder": {head + "    kind: sandbox-files\n    practice:\n      usb: true\n      files: [a.pdf]\n      folders: [Documents]\n      file: a.pdf\n      goal: Documents\n",
			`needs the folder "Clé USB"`},
		"drill too small": {head + "    kind: gesture-click\n    image: images/x.svg\n    zones: [{x: 0.1, y: 0.1, w: 0.2, h: 0.2}]\n    practice:\n      start: 20\n",
			"practice.start 20 must be between 48 and 400"},
		"drill interval": {head + "    kind: gesture-double-click\n    image: images/x.svg\n    zones: [{x: 0.1, y: 0.1, w: 0.2, h: 0.2}]\n    practice:\n      interval: 5000\n",
			"practice.interval 5000 ms"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			fsys := validPack()
			fsys["images/x.svg"] = &fstest.MapFile{Data: []byte("<svg/>")}
			fsys["items/a.yaml"] = &fstest.MapFile{Data: []byte(c.data)}
			_, err := content.Load(fsys)
			if err == nil {
				t.Fatal("pack accepted")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

// TestPracticeRulesRead checks a full second-edition item loads with its
// data where the sandboxes read it.
func TestPracticeRulesRead(t *testing.T) {
	fsys := validPack()
	fsys["items/a.yaml"] = &fstest.MapFile{Data: []byte(`items:
  - id: i1
    skill: s
    prompt: p
    kind: sandbox-mail
    practice:
      solution: Cliquez sur Transférer.
      mail:
        from: a@b.fr
        subject: Sujet
        body: Texte
        action: forward
        inbox: [{from: La Poste, subject: Colis, body: Demain, date: Hier}]
        files: [a.pdf]
        rules:
          - {field: to, op: equals, values: [marie@orange.fr]}
          - {field: attachment, values: [a.pdf]}
  - id: i2
    skill: s
    prompt: p
    kind: sandbox-form
    practice:
      code: "482913"
      fields:
        - {id: tel, label: Téléphone, format: phone, optional: true}
        - {id: j, label: Justificatif, format: file, files: [a.pdf, b.jpg], accept: [a.pdf]}
        - {id: c, label: Code, format: code}
`)}
	p, err := content.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := p.Item("i1")
	mail := m.Practice.Mail
	if m.Practice.Solution == "" || len(mail.Inbox) != 1 || mail.Inbox[0].Date != "Hier" || len(mail.SendRules()) != 2 || mail.SendRules()[0].Op != "equals" {
		t.Errorf("mail practice %+v", m.Practice)
	}
	f, _ := p.Item("i2")
	if f.Practice.Code != "482913" || !f.Practice.Fields[0].Optional || len(f.Practice.Fields[1].Files) != 2 {
		t.Errorf("form practice %+v", f.Practice)
	}
	// The first edition's reply and attach become rules.
	old := content.Mail{Reply: []string{"oui"}, Attach: "a.pdf"}
	if r := old.SendRules(); len(r) != 2 || r[0].Field != "body" || r[1].Field != "attachment" {
		t.Errorf("first-edition rules %+v", r)
	}
}
