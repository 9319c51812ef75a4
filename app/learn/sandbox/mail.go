package sandbox

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/content"
)

// Mailbox is the webmail sandbox: a folder column, the message list, the
// message read, and a composer with a file picker. The practice message
// (Practice.Mail) is the first of the list; what counts as success is its
// Action and the rules on the message sent (content.Mail.SendRules).
type Mailbox struct {
	*base
	mail *content.Mail

	// Messages are the rows of the message list; Messages[0] is the
	// practice message.
	Messages []*widget.Button
	// NewMessage, Reply, Forward, Delete and Report are the toolbar buttons.
	NewMessage, Reply, Forward, Delete, Report *widget.Button
	// To, Subject and Body are the composer's fields.
	To, Subject, Body *widget.Entry
	// AttachButton opens the file picker; Files are its documents; Send
	// sends the message.
	AttachButton *widget.Button
	Files        []*widget.Button
	Send         *widget.Button
	// Attached lists the joined files; Status the composer's message.
	Attached *widget.Label
	Status   *canvas.Text

	all      []content.Message
	open     int // message shown, -1 none
	gone     []bool
	attached []string
	mode     string // "", "reply", "forward", "write"

	reading  *fyne.Container
	readHead *widget.Label
	readFrom *widget.Label
	readBody *widget.Label
	toolbar  fyne.CanvasObject
	composer fyne.CanvasObject
	picker   fyne.CanvasObject
	empty    fyne.CanvasObject
	rows     []fyne.CanvasObject
	listCol  fyne.CanvasObject
	view     fyne.CanvasObject
}

func newMailbox(b *base) (*Mailbox, error) {
	if b.pr.Mail == nil {
		return nil, fmt.Errorf("a mailbox needs practice.mail")
	}
	m := &Mailbox{base: b, mail: b.pr.Mail}
	m.all = append([]content.Message{{From: m.mail.From, Subject: m.mail.Subject, Body: m.mail.Body, Date: m.t("sandbox.mail.today")}}, m.mail.Inbox...)
	if len(m.all) == 1 {
		// A mailbox with one message looks empty: add everyday ones.
		m.all = append(m.all,
			content.Message{From: m.t("sandbox.mail.demo1_from"), Subject: m.t("sandbox.mail.demo1_subject"), Body: m.t("sandbox.mail.demo1_body"), Date: m.t("sandbox.mail.yesterday")},
			content.Message{From: m.t("sandbox.mail.demo2_from"), Subject: m.t("sandbox.mail.demo2_subject"), Body: m.t("sandbox.mail.demo2_body"), Date: "12 nov."})
	}
	m.gone = make([]bool, len(m.all))

	// Folder column.
	m.NewMessage = widget.NewButtonWithIcon(m.t("sandbox.mail.new"), theme.ContentAddIcon(), func() { m.compose("write") })
	m.NewMessage.Importance = widget.HighImportance
	folder := func(key string, ic fyne.Resource, bold bool) fyne.CanvasObject {
		l := widget.NewLabelWithStyle(m.t(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: bold})
		l.SizeName = theme.SizeNameCaptionText
		return container.NewBorder(nil, nil, widget.NewIcon(ic), nil, l)
	}
	side := container.NewVBox(
		container.New(&minHeight{56}, m.NewMessage),
		folder("sandbox.mail.inbox", theme.MailComposeIcon(), true),
		folder("sandbox.mail.sent", theme.MailSendIcon(), false),
		folder("sandbox.mail.spam", theme.WarningIcon(), false),
		folder("sandbox.mail.trash", theme.DeleteIcon(), false),
	)

	// Message list.
	var cells []fyne.CanvasObject
	for i, msg := range m.all {
		btn := widget.NewButton("", func() { m.openMessage(i) })
		from := text(msg.From, 15, black, i == 0)
		subj := text(msg.Subject, 15, textGrey, i == 0)
		date := text(msg.Date, 13, textGrey, false)
		row := container.NewStack(btn, container.NewPadded(container.NewBorder(nil, nil, nil, date, container.NewVBox(from, subj))))
		m.Messages = append(m.Messages, btn)
		cell := container.New(&minHeight{64}, row)
		m.rows = append(m.rows, cell)
		cells = append(cells, cell)
	}
	list := container.NewVBox(cells...)

	// Reading pane.
	m.Reply = widget.NewButtonWithIcon(m.t("sandbox.mail.reply"), theme.MailReplyIcon(), func() { m.compose("reply") })
	m.Forward = widget.NewButtonWithIcon(m.t("sandbox.mail.forward"), theme.MailForwardIcon(), func() { m.compose("forward") })
	m.Delete = widget.NewButtonWithIcon(m.t("sandbox.mail.delete"), theme.DeleteIcon(), m.deleteOpen)
	m.Report = widget.NewButtonWithIcon(m.t("sandbox.mail.report"), theme.WarningIcon(), m.reportOpen)
	m.toolbar = container.NewGridWithColumns(2, m.Reply, m.Forward, m.Delete, m.Report)
	m.readHead = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	m.readHead.Wrapping = fyne.TextWrapWord
	m.readFrom = widget.NewLabel("")
	m.readBody = widget.NewLabel("")
	m.readBody.Wrapping = fyne.TextWrapWord
	m.reading = container.NewBorder(container.NewVBox(m.toolbar, m.readHead, m.readFrom, widget.NewSeparator()), nil, nil, nil, container.NewVScroll(m.readBody))

	// Composer.
	m.To = widget.NewEntry()
	m.Subject = widget.NewEntry()
	m.Body = widget.NewMultiLineEntry()
	m.Body.Wrapping = fyne.TextWrapWord
	m.Body.SetPlaceHolder(m.t("sandbox.mail.body_here"))
	m.AttachButton = widget.NewButtonWithIcon(m.t("sandbox.mail.attach"), theme.FileIcon(), m.showPicker)
	m.Send = widget.NewButtonWithIcon(m.t("sandbox.mail.send"), theme.MailSendIcon(), m.send)
	m.Send.Importance = widget.HighImportance
	m.Attached = widget.NewLabel("")
	m.Status = text("", 16, errorRed, true)
	label := func(key string) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(100, 70), widget.NewLabelWithStyle(m.t(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	head := container.NewVBox(
		container.NewBorder(nil, nil, label("sandbox.mail.to"), nil, m.To),
		container.NewBorder(nil, nil, label("sandbox.mail.subject"), nil, m.Subject),
	)
	foot := container.NewVBox(
		m.Attached,
		m.Status,
		container.New(&minHeight{56}, container.NewGridWithColumns(2, m.AttachButton, m.Send)),
	)
	m.composer = container.NewBorder(head, foot, nil, nil, m.Body)

	// File picker, drawn over the composer like Windows' "Ouvrir" window.
	names := slices.Clone(m.mail.Files)
	if m.mail.Attach != "" && !slices.Contains(names, m.mail.Attach) {
		names = append(names, m.mail.Attach)
	}
	if len(names) == 0 {
		names = []string{"photo-vacances.jpg", "cv-2026.pdf"}
	}
	slices.Sort(names)
	var picks []fyne.CanvasObject
	for _, name := range names {
		f := widget.NewButtonWithIcon(name, fileIcon(name), func() { m.attach(name) })
		f.Alignment = widget.ButtonAlignLeading
		m.Files = append(m.Files, f)
		picks = append(picks, container.New(&minHeight{56}, f))
	}
	grid := container.NewVBox(picks...)
	cancel := widget.NewButton(m.t("sandbox.mail.cancel"), func() { m.picker.Hide() })
	pickTitle := container.NewStack(canvas.NewRectangle(paneGrey), container.NewHBox(widget.NewIcon(theme.FolderOpenIcon()), widget.NewLabelWithStyle(m.t("sandbox.mail.pick"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})))
	m.picker = panel(white, container.NewBorder(pickTitle, container.NewHBox(spacer(), container.New(&minHeight{52}, cancel)), nil, nil, container.NewVScroll(grid)))
	m.picker.Hide()

	m.empty = container.NewCenter(widget.NewLabel(m.t("sandbox.mail.choose")))
	right := container.NewStack(canvas.NewRectangle(white), container.NewPadded(container.NewStack(m.empty, m.reading, m.composer, m.picker)))
	top := container.NewStack(canvas.NewRectangle(winBlue), container.NewPadded(container.NewHBox(widget.NewIcon(theme.MailComposeIcon()), text(m.t("sandbox.mail.app"), 20, white, true))))
	middle := container.NewStack(canvas.NewRectangle(paneGrey), container.NewVScroll(list))
	m.listCol = container.NewGridWrap(fyne.NewSize(290, 400), middle)
	body := container.NewBorder(nil, nil,
		container.NewGridWrap(fyne.NewSize(236, 400), container.NewPadded(side)),
		nil,
		container.NewBorder(nil, nil, m.listCol, nil, right))
	m.view = b.frame(container.NewBorder(top, nil, nil, nil, body))
	m.Reset()
	return m, nil
}

// fileIcon returns the picture of a file from its extension, coloured as
// Windows shows them (PDF red, pictures blue).
func fileIcon(name string) fyne.Resource {
	switch strings.ToLower(name[strings.LastIndexByte(name, '.')+1:]) {
	case "jpg", "jpeg", "png":
		return theme.NewColoredResource(theme.MediaPhotoIcon(), theme.ColorNamePrimary)
	case "pdf":
		return theme.NewColoredResource(theme.DocumentIcon(), theme.ColorNameError)
	}
	return theme.FileTextIcon()
}

// folderIcon returns a yellow folder, as Windows 11 draws them.
func folderIcon() fyne.Resource { return yellowFolder }

var yellowFolder = fyne.NewStaticResource("dossier.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48">`+
	`<path d="M4 11a4 4 0 0 1 4-4h11l5 5h16a4 4 0 0 1 4 4v3H4z" fill="#E3A21A"/>`+
	`<rect x="4" y="15" width="40" height="27" rx="4" fill="#FFC83D"/></svg>`))

func (m *Mailbox) show(o fyne.CanvasObject) {
	for _, x := range []fyne.CanvasObject{m.empty, m.reading, m.composer} {
		x.Hide()
	}
	m.picker.Hide()
	o.Show()
	// The composer takes the list's room, as webmails do.
	if o == m.composer {
		m.listCol.Hide()
	} else {
		m.listCol.Show()
	}
}

func (m *Mailbox) openMessage(i int) {
	if m.gone[i] {
		return
	}
	m.open = i
	msg := m.all[i]
	m.record(Action{Kind: "open", Target: m.msgID(i)})
	m.readHead.SetText(msg.Subject)
	m.readFrom.SetText(m.t("sandbox.mail.from", "from", msg.From))
	m.readBody.SetText(msg.Body)
	m.mode = ""
	m.show(m.reading)
}

func (m *Mailbox) msgID(i int) string {
	if i == 0 {
		return "practice"
	}
	return fmt.Sprintf("inbox-%d", i)
}

func (m *Mailbox) compose(mode string) {
	if m.ended {
		return
	}
	if mode != "write" && m.open < 0 {
		return
	}
	m.mode = mode
	m.attached = nil
	m.Attached.SetText("")
	m.setStatus("")
	m.To.SetText("")
	m.Subject.SetText("")
	m.Body.SetText("")
	target := ""
	if mode != "write" {
		msg := m.all[m.open]
		target = m.msgID(m.open)
		if mode == "reply" {
			m.To.SetText(msg.From)
			m.Subject.SetText("RE: " + msg.Subject)
		} else {
			m.Subject.SetText("TR: " + msg.Subject)
		}
	}
	m.record(Action{Kind: mode, Target: target})
	m.show(m.composer)
}

func (m *Mailbox) showPicker() {
	if m.ended {
		return
	}
	m.record(Action{Kind: "click", Target: "attach_button"})
	m.picker.Show()
}

func (m *Mailbox) attach(name string) {
	if m.ended {
		return
	}
	m.record(Action{Kind: "attach", Target: name})
	if !slices.Contains(m.attached, name) {
		m.attached = append(m.attached, name)
	}
	m.Attached.SetText(m.t("sandbox.mail.attached", "files", strings.Join(m.attached, ", ")))
	m.picker.Hide()
}

func (m *Mailbox) setStatus(s string) { m.Status.Text = s; m.Status.Refresh() }

// want is what the task asks: the practice message's action.
func (m *Mailbox) want() string {
	if m.mail.Action == "attach" {
		return "reply"
	}
	return m.mail.Action
}

func (m *Mailbox) send() {
	if m.ended {
		return
	}
	values := map[string]string{
		"to":         m.To.Text,
		"subject":    m.Subject.Text,
		"body":       m.Body.Text,
		"attachment": strings.Join(m.attached, "\n"),
	}
	if strings.TrimSpace(m.To.Text) == "" {
		m.setStatus(m.t("sandbox.mail.need_to"))
		m.say("say.sandbox.mail_need_to")
		return
	}
	m.record(Action{Kind: "send", Target: m.mode, Value: fmt.Sprintf("to=%s subject=%s attachments=%s body=%s", values["to"], values["subject"], strings.Join(m.attached, ","), values["body"])})
	rightMsg := m.mode == "write" || m.open == 0
	failed := failedRules(m.mail.SendRules(), values)
	ok := m.mode == m.want() && rightMsg && len(failed) == 0
	if !ok {
		switch {
		case m.mode != m.want() || !rightMsg:
			m.setStatus(m.t("sandbox.mail.not_this"))
		default:
			m.setStatus(m.t("sandbox.mail.check_" + failed[0].Field))
		}
		m.finish(false, map[string]float64{"rules_failed": float64(len(failed))})
		return
	}
	m.setStatus("")
	m.show(m.empty)
	m.finish(true, map[string]float64{"rules_failed": 0})
}

func (m *Mailbox) deleteOpen() { m.drop("delete") }
func (m *Mailbox) reportOpen() { m.drop("report") }

// drop deletes the open message or reports it as unwanted.
func (m *Mailbox) drop(kind string) {
	if m.ended || m.open < 0 {
		return
	}
	i := m.open
	m.record(Action{Kind: kind, Target: m.msgID(i)})
	m.gone[i] = true
	m.rows[i].Hide()
	m.Messages[i].Hide()
	m.open = -1
	m.show(m.empty)
	m.finish(m.want() == kind && i == 0, nil)
}

// View returns the mailbox.
func (m *Mailbox) View() fyne.CanvasObject { return m.view }

// ShowHint shows and says the hint.
func (m *Mailbox) ShowHint() { m.hint() }

// ShowSolution shows and says the solution, and marks the button to use.
func (m *Mailbox) ShowSolution() {
	m.solution()
	for _, b := range []*widget.Button{m.Reply, m.Forward, m.Delete, m.Report, m.NewMessage} {
		b.Importance = widget.MediumImportance
	}
	switch m.want() {
	case "reply":
		m.Reply.Importance = widget.WarningImportance
	case "forward":
		m.Forward.Importance = widget.WarningImportance
	case "delete":
		m.Delete.Importance = widget.WarningImportance
	case "report":
		m.Report.Importance = widget.WarningImportance
	case "write":
		m.NewMessage.Importance = widget.WarningImportance
	}
	m.view.Refresh()
}

// Reset puts every message back and closes the composer.
func (m *Mailbox) Reset() {
	m.restart()
	for i := range m.gone {
		m.gone[i] = false
		m.rows[i].Show()
		m.Messages[i].Show()
	}
	m.open = -1
	m.mode = ""
	m.attached = nil
	m.Attached.SetText("")
	m.setStatus("")
	m.show(m.empty)
}
