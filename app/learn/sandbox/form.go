package sandbox

import (
	"fmt"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
)

// Form is the online form sandbox, drawn like a gouv.fr page (the State's
// design system): labels, "(facultatif)", the expected format under each
// label, a password with its rules ticked as they are met, a supporting
// document to upload, a code received by SMS in a phone notification, and
// an error in plain French under each wrong field. A "Valider" with errors
// is a miss; "Réessayer" keeps what was typed, as real forms do.
type Form struct {
	*base

	// Entries are the text fields by field id; Errors their error lines.
	Entries map[string]*widget.Entry
	Errors  map[string]*canvas.Text
	// Browse opens the file picker of a "file" field, by field id; Chosen
	// shows the document chosen; PickerFiles are the picker's documents.
	Browse      map[string]*widget.Button
	Chosen      map[string]*widget.Label
	PickerFiles []*widget.Button
	// PasswordRules are the ticks of a password field's rules.
	PasswordRules []*widget.Icon
	// SendCode asks for the SMS; Phone is its notification.
	SendCode *widget.Button
	Phone    fyne.CanvasObject
	// Submit validates the form; Summary tells how many fields to fix.
	Submit  *widget.Button
	Summary *canvas.Text
	Done    fyne.CanvasObject

	chosen   map[string]string
	picking  string
	picker   *fyne.Container
	pickList *fyne.Container
	view     fyne.CanvasObject
}

// passwordRules are the rules shown under a password field, after the
// CNIL's 2022 recommendation for a password alone: 12 characters with
// capitals, small letters, digits and special characters.
var passwordRules = []struct {
	key string
	ok  func(string) bool
}{
	{"sandbox.form.pw_length", func(s string) bool { return len([]rune(s)) >= 12 }},
	{"sandbox.form.pw_upper", func(s string) bool { return strings.IndexFunc(s, unicode.IsUpper) >= 0 }},
	{"sandbox.form.pw_lower", func(s string) bool { return strings.IndexFunc(s, unicode.IsLower) >= 0 }},
	{"sandbox.form.pw_digit", func(s string) bool { return strings.IndexFunc(s, unicode.IsDigit) >= 0 }},
	{"sandbox.form.pw_special", func(s string) bool {
		return strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsSpace(r) }) >= 0
	}},
}

func newForm(b *base) (*Form, error) {
	if len(b.pr.Fields) == 0 {
		return nil, fmt.Errorf("a form needs fields")
	}
	fm := &Form{base: b, Entries: map[string]*widget.Entry{}, Errors: map[string]*canvas.Text{},
		Browse: map[string]*widget.Button{}, Chosen: map[string]*widget.Label{}, chosen: map[string]string{}}
	fields := container.NewVBox(text(fm.t("sandbox.form.title"), 28, black, true), widget.NewLabel(fm.t("sandbox.form.mandatory")))
	for i, f := range b.pr.Fields {
		id := fieldID(i, f)
		label := f.Label
		if f.Optional {
			label += " " + fm.t("sandbox.form.optional")
		}
		box := container.NewVBox(widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		if h := fm.formatHint(f.Format); h != "" {
			hint := widget.NewLabel(h)
			hint.SizeName = theme.SizeNameCaptionText
			hint.Wrapping = fyne.TextWrapWord
			box.Add(hint)
		}
		switch f.Format {
		case "file":
			btn := widget.NewButtonWithIcon(fm.t("sandbox.form.browse"), theme.FolderOpenIcon(), func() { fm.openPicker(id, f) })
			chosen := widget.NewLabel(fm.t("sandbox.form.no_file"))
			fm.Browse[id], fm.Chosen[id] = btn, chosen
			box.Add(container.NewHBox(container.New(&minHeight{56}, btn), chosen))
		default:
			e := widget.NewEntry()
			if f.Format == "password" {
				e = widget.NewPasswordEntry()
			}
			e.OnSubmitted = func(string) { fm.submit() }
			fm.Entries[id] = e
			row := fyne.CanvasObject(container.NewGridWrap(fyne.NewSize(420, 72), e))
			if f.Format == "code" {
				fm.SendCode = widget.NewButtonWithIcon(fm.t("sandbox.form.send_code"), theme.MailSendIcon(), fm.sendCode)
				row = container.NewHBox(container.NewGridWrap(fyne.NewSize(200, 72), e), container.New(&minHeight{56}, fm.SendCode))
			}
			box.Add(row)
			if f.Format == "password" {
				rules := container.NewGridWithColumns(2)
				for _, r := range passwordRules {
					ic := widget.NewIcon(theme.RadioButtonIcon())
					fm.PasswordRules = append(fm.PasswordRules, ic)
					l := widget.NewLabel(fm.t(r.key))
					l.SizeName = theme.SizeNameCaptionText
					rules.Add(container.NewHBox(ic, l))
				}
				e.OnChanged = func(s string) { fm.tick(s) }
				box.Add(rules)
			}
		}
		errLine := text("", 18, errorRed, true)
		errLine.Hide() // shown with its error only
		fm.Errors[id] = errLine
		box.Add(errLine)
		fields.Add(box)
	}
	fm.Submit = widget.NewButtonWithIcon(fm.t("sandbox.form.submit"), theme.ConfirmIcon(), fm.submit)
	fm.Submit.Importance = widget.HighImportance
	fm.Summary = text("", 20, errorRed, true)

	// The State's header: the Marianne block and the service's name.
	stripe := container.NewHBox(canvas.NewRectangle(franceBlue), canvas.NewRectangle(white), canvas.NewRectangle(errorRed))
	for _, o := range stripe.Objects {
		o.(*canvas.Rectangle).SetMinSize(fyne.NewSize(8, 36))
	}
	site := b.pr.URL
	if site == "" {
		site = fm.t("sandbox.form.site")
	}
	header := container.NewHBox(stripe, container.NewVBox(text(fm.t("sandbox.browser.republic"), 14, black, true), text(fm.t("sandbox.browser.motto"), 11, black, false)),
		spacer(), text(site, 16, franceBlue, true))
	done := container.NewVBox(text(fm.t("sandbox.form.done"), 26, goodGreen, true), widget.NewLabel(fm.t("sandbox.form.done_more")))
	fm.Done = container.NewStack(canvas.NewRectangle(white), container.NewCenter(done))
	fm.Done.Hide()

	// The file picker.
	fm.pickList = container.NewVBox()
	cancel := widget.NewButton(fm.t("sandbox.mail.cancel"), func() { fm.picker.Hide() })
	pickTitle := container.NewStack(canvas.NewRectangle(paneGrey), container.NewHBox(widget.NewIcon(theme.FolderOpenIcon()), widget.NewLabelWithStyle(fm.t("sandbox.mail.pick"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})))
	fm.picker = panel(white, container.NewBorder(pickTitle, container.NewHBox(spacer(), container.New(&minHeight{52}, cancel)), nil, nil, container.NewVScroll(fm.pickList)))
	fm.picker.Hide()

	// The phone and its notification, at the right as a phone beside
	// the computer.
	closePhone := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { fm.Phone.Hide() })
	closePhone.Importance = widget.LowImportance
	notif := container.NewStack(
		func() fyne.CanvasObject { r := canvas.NewRectangle(phoneDark); r.CornerRadius = 18; return r }(),
		container.NewPadded(container.NewBorder(
			container.NewHBox(widget.NewIcon(theme.MailComposeIcon()), text(fm.t("sandbox.form.sms_app"), 15, phoneGrey, false), spacer(), container.NewGridWrap(fyne.NewSquareSize(48), closePhone)),
			nil, nil, nil,
			container.NewVBox(text(fm.t("sandbox.form.sms_from"), 18, white, true), wrapped(fm.t("sandbox.form.sms_text", "code", b.pr.Code), theme.ColorNameForegroundOnPrimary)))),
	)
	fm.Phone = container.NewGridWrap(fyne.NewSize(400, 190), notif)
	fm.Phone.Hide()

	footer := container.NewHBox(fm.Summary, spacer(), container.NewGridWrap(fyne.NewSize(220, 60), fm.Submit))
	page := container.NewBorder(
		container.NewStack(canvas.NewRectangle(white), container.NewVBox(container.NewPadded(header), widget.NewSeparator())),
		container.NewStack(canvas.NewRectangle(paneGrey), container.NewPadded(footer)), nil, nil,
		container.NewVScroll(container.NewPadded(fields)))
	fm.view = b.frame(container.NewStack(
		canvas.NewRectangle(white), page, fm.Done,
		container.NewPadded(container.NewPadded(fm.picker)),
		container.NewBorder(container.NewHBox(spacer(), container.NewPadded(fm.Phone)), nil, nil, nil),
	))
	fm.Reset()
	return fm, nil
}

// wrapped returns a word-wrapped label in colour c.
func wrapped(s string, c fyne.ThemeColorName) fyne.CanvasObject {
	l := widget.NewRichText(&widget.TextSegment{Text: s, Style: widget.RichTextStyle{ColorName: c, SizeName: theme.SizeNameCaptionText}})
	l.Wrapping = fyne.TextWrapWord
	return l
}

// fieldID returns a field's id, or its place when it has none.
func fieldID(i int, f content.Field) string {
	if f.ID != "" {
		return f.ID
	}
	return fmt.Sprintf("field-%d", i+1)
}

// formatHint is the expected format shown under a label, as gouv.fr forms
// do.
func (fm *Form) formatHint(format string) string {
	switch format {
	case "date":
		return fm.t("sandbox.form.hint_date")
	case "phone":
		return fm.t("sandbox.form.hint_phone")
	case "email":
		return fm.t("sandbox.form.hint_email")
	case "file":
		return fm.t("sandbox.form.hint_file")
	case "code":
		return fm.t("sandbox.form.hint_code")
	}
	return ""
}

func (fm *Form) tick(s string) {
	for i, r := range passwordRules {
		if r.ok(s) {
			fm.PasswordRules[i].SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		} else {
			fm.PasswordRules[i].SetResource(theme.RadioButtonIcon())
		}
	}
}

func (fm *Form) openPicker(id string, f content.Field) {
	if fm.ended {
		return
	}
	fm.record(Action{Kind: "click", Target: id, Value: "browse"})
	fm.picking = id
	fm.pickList.RemoveAll()
	fm.PickerFiles = nil
	for _, name := range f.Files {
		btn := widget.NewButtonWithIcon(name, fileIcon(name), func() { fm.pick(name) })
		btn.Alignment = widget.ButtonAlignLeading
		fm.PickerFiles = append(fm.PickerFiles, btn)
		fm.pickList.Add(container.New(&minHeight{56}, btn))
	}
	fm.picker.Show()
}

func (fm *Form) pick(name string) {
	if fm.ended {
		return
	}
	fm.record(Action{Kind: "attach", Target: fm.picking, Value: name})
	fm.chosen[fm.picking] = name
	fm.Chosen[fm.picking].SetText(name)
	fm.picker.Hide()
}

func (fm *Form) sendCode() {
	if fm.ended {
		return
	}
	fm.record(Action{Kind: "click", Target: "send_code"})
	fm.Phone.Show()
	fm.say("say.sandbox.form_sms")
}

// check returns the plain-French error of one field, or "".
func (fm *Form) check(id string, f content.Field) string {
	var v string
	if f.Format == "file" {
		v = fm.chosen[id]
	} else {
		v = strings.TrimSpace(fm.Entries[id].Text)
	}
	if v == "" {
		if f.Optional {
			return ""
		}
		if f.Format == "file" {
			return fm.t("sandbox.form.err_no_file")
		}
		return fm.t("sandbox.form.err_empty")
	}
	switch f.Format {
	case "email":
		local, domain, ok := strings.Cut(v, "@")
		if !ok || local == "" || !strings.Contains(domain, ".") || strings.ContainsAny(v, " ,;") || strings.HasSuffix(domain, ".") {
			return fm.t("sandbox.form.err_email")
		}
	case "date":
		parts := strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsDigit(r) })
		if len(parts) != 3 || len(parts[2]) != 4 || !assessment.MatchText(assessment.FormatDate, []string{v}, v) {
			return fm.t("sandbox.form.err_date")
		}
	case "phone":
		d := digits(v)
		if strings.HasPrefix(strings.TrimSpace(v), "+33") {
			d = "0" + strings.TrimPrefix(d, "33")
		}
		if len(d) != 10 || d[0] != '0' {
			return fm.t("sandbox.form.err_phone")
		}
	case "number":
		if digits(v) == "" {
			return fm.t("sandbox.form.err_number")
		}
	case "password":
		for _, r := range passwordRules {
			if !r.ok(v) {
				return fm.t("sandbox.form.err_password")
			}
		}
	case "code":
		if !assessment.MatchText(assessment.FormatDigits, []string{fm.pr.Code}, v) {
			return fm.t("sandbox.form.err_code")
		}
	}
	if len(f.Accept) > 0 {
		format := assessment.FormatWords
		switch f.Format {
		case "email", "date", "number":
			format = f.Format
		case "phone", "code":
			format = assessment.FormatDigits
		case "file", "password":
			format = assessment.FormatExact
		}
		if !assessment.MatchText(format, f.Accept, v) {
			if f.Format == "file" {
				return fm.t("sandbox.form.err_wrong_file")
			}
			return fm.t("sandbox.form.err_value")
		}
	}
	return ""
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (fm *Form) submit() {
	if fm.ended {
		return
	}
	wrong := 0
	for i, f := range fm.pr.Fields {
		id := fieldID(i, f)
		msg := fm.check(id, f)
		if f.Format != "file" {
			v := fm.Entries[id].Text
			if f.Format == "password" {
				v = strings.Repeat("•", len([]rune(v)))
			}
			fm.record(Action{Kind: "type", Target: id, Value: v})
		}
		fm.Errors[id].Text = msg
		fm.Errors[id].Hidden = msg == ""
		fm.Errors[id].Refresh()
		if msg != "" {
			wrong++
		}
	}
	fm.record(Action{Kind: "send", Target: "form", Value: fmt.Sprintf("%d wrong", wrong)})
	measures := map[string]float64{"fields_wrong": float64(wrong), "fields": float64(len(fm.pr.Fields))}
	if wrong > 0 {
		fm.Summary.Text = fm.t("sandbox.form.summary", "n", fmt.Sprint(wrong))
		fm.Summary.Refresh()
		fm.finish(false, measures)
		return
	}
	fm.Summary.Text = ""
	fm.Summary.Refresh()
	fm.Done.Show()
	fm.finish(true, measures)
}

// View returns the form.
func (fm *Form) View() fyne.CanvasObject { return fm.view }

// ShowHint shows and says the hint.
func (fm *Form) ShowHint() { fm.hint() }

// ShowSolution shows and says the solution.
func (fm *Form) ShowSolution() { fm.solution() }

// Reset opens a new attempt: what was typed stays, the errors stay shown
// until the next "Valider", the phone notification and pickers close.
func (fm *Form) Reset() {
	fm.restart()
	fm.Done.Hide()
	fm.picker.Hide()
}
