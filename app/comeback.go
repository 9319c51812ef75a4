package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/app/sheet"
	"github.com/tremplin-numerique/tremplin/app/visit"
	"github.com/tremplin-numerique/tremplin/assets"
)

// codeLockout slows down guessing picture codes: 16⁴ codes is a small
// space, so after 3 wrong codes in a row the keypad waits 5 s, then twice
// as long each time, up to 10 minutes (kept in the journal's state, so a
// restart does not reset it).
func codeLockout(s pin.Store, now func() time.Time) *pin.Lockout {
	return &pin.Lockout{Store: s, Key: "kiosk.code_lockout", Now: now, Free: 3, Base: 5 * time.Second, Max: 10 * time.Minute}
}

// pictureButton is a button showing a picture at size (a button's own icon
// stays at the theme's small icon size), with the picture inset by a tenth.
func pictureButton(res fyne.Resource, size fyne.Size, tapped func()) (*widget.Button, fyne.CanvasObject) {
	b := widget.NewButton("", tapped)
	img := canvas.NewImageFromResource(res)
	img.FillMode = canvas.ImageFillContain
	inset := size.Width / 10
	img.SetMinSize(fyne.NewSize(size.Width-2*inset, size.Height-2*inset))
	return b, container.NewGridWrap(size, container.NewStack(b, container.NewCenter(img)))
}

// codeResource returns a picture-code pictogram as a Fyne resource.
func codeResource(name string) fyne.Resource {
	return fyne.NewStaticResource("code-"+name+".svg", assets.CodePicture(name))
}

// CodePadScreen is the picture keypad of a returning visitor: sixteen big
// pictures; the fourth one touched checks the code.
type CodePadScreen struct {
	// Keys are the pictures, in learners.Pictograms order.
	Keys    []*widget.Button
	Erase   *widget.Button
	Back    *widget.Button
	Speaker *widget.Button
	Message *widget.Label
	// Slots show the pictures touched so far.
	Slots []*canvas.Image

	chosen []string
	root   fyne.CanvasObject
}

// Chosen returns the pictures touched so far.
func (s *CodePadScreen) Chosen() []string { return s.chosen }

func (k *Kiosk) showCodePad() {
	s := &CodePadScreen{}
	grid := container.NewGridWithColumns(8)
	for _, name := range learners.Pictograms {
		b, o := pictureButton(codeResource(name), fyne.NewSize(104, 104), func() { k.codeKey(s, name) })
		s.Keys = append(s.Keys, b)
		grid.Add(o)
	}
	slots := container.NewHBox()
	for range learners.CodeLength {
		img := canvas.NewImageFromResource(nil)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(96, 96))
		s.Slots = append(s.Slots, img)
		frame := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
		frame.StrokeColor = theme.Color(theme.ColorNameForeground)
		frame.StrokeWidth = 3
		frame.CornerRadius = 10
		slots.Add(container.NewGridWrap(fyne.NewSize(112, 112), container.NewStack(frame, container.NewPadded(img))))
	}
	s.Erase = widget.NewButtonWithIcon(k.cat.T("visit.codepad.erase"), theme.ContentUndoIcon(), func() { k.touch(); s.clear() })
	s.Back = widget.NewButtonWithIcon(k.cat.T("common.back"), theme.NavigateBackIcon(), k.ShowWelcome)
	s.Speaker = speakerButton(k, func() string { return k.cat.T("say.visit.codepad") })
	s.Message = widget.NewLabel("")
	s.Message.Wrapping = fyne.TextWrapWord
	s.Message.Importance = widget.WarningImportance
	title := widget.NewLabelWithStyle(k.cat.T("visit.codepad.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	top := container.NewBorder(nil, nil, s.Back, k.soundControls(s.Speaker))
	body := container.NewVBox(title, container.NewCenter(container.NewHBox(slots, container.NewGridWrap(fyne.NewSize(160, 70), s.Erase))),
		s.Message, container.NewCenter(grid))
	s.root = container.NewPadded(container.NewBorder(top, nil, nil, nil, body))
	k.clearScreens()
	k.CodePad = s
	k.setContent(s.root, k.cat.T("say.visit.codepad"))
	if wait, _ := k.codeLock.Wait(context.Background()); wait > 0 {
		s.lock(k, wait)
	}
}

func (s *CodePadScreen) clear() {
	s.chosen = nil
	for _, img := range s.Slots {
		img.Resource = nil
		img.Refresh()
	}
}

// lock disables the keypad for wait, saying so.
func (s *CodePadScreen) lock(k *Kiosk, wait time.Duration) {
	s.Message.SetText(k.cat.T("visit.codepad.wait", "s", strconv.Itoa(int(wait.Seconds()+0.999))))
	for _, b := range s.Keys {
		b.Disable()
	}
	time.AfterFunc(wait, func() {
		k.cfg.Do(func() {
			if k.CodePad == s {
				for _, b := range s.Keys {
					b.Enable()
				}
				s.Message.SetText("")
			}
		})
	})
}

func (k *Kiosk) codeKey(s *CodePadScreen, name string) {
	k.touch()
	if len(s.chosen) >= learners.CodeLength {
		return
	}
	k.cfg.Voice.Say(k.cat.T("say.visit.code." + name))
	s.Slots[len(s.chosen)].Resource = codeResource(name)
	s.Slots[len(s.chosen)].Refresh()
	s.chosen = append(s.chosen, name)
	if len(s.chosen) < learners.CodeLength {
		return
	}
	ctx := context.Background()
	if wait, _ := k.codeLock.Wait(ctx); wait > 0 {
		s.clear()
		s.lock(k, wait)
		return
	}
	err := k.visit.Identify(ctx, learners.JoinCode(s.chosen))
	if errors.Is(err, visit.ErrWrongCode) {
		s.clear()
		wait, _ := k.codeLock.Fail(ctx)
		s.Message.SetText(k.cat.T("visit.codepad.wrong"))
		k.cfg.Voice.Say(k.cat.T("say.visit.code_wrong"))
		if wait > 0 {
			s.lock(k, wait)
		}
		return
	}
	if err != nil {
		slog.Error("find learner by code", "err", err)
		s.clear()
		s.Message.SetText(k.cat.T("save.failed"))
		return
	}
	if err := k.codeLock.Reset(ctx); err != nil {
		slog.Error("reset code lockout", "err", err)
	}
	if _, err := k.pack(); err != nil {
		s.Message.SetText(k.cat.T("error.pack", "path", "", "err", err.Error()))
		return
	}
	k.showSpace()
}

// SpaceScreen is a returning learner's own page: last results per domain,
// skills to work on, what they practised; retake, resume, print.
type SpaceScreen struct {
	Rows []*ResultRow
	// Path is the learner's learning path, nil when they have none.
	Path    *PathRow
	Retake  *widget.Button
	Resume  *widget.Button
	Print   *widget.Button
	Done    *widget.Button
	Speaker *widget.Button
	Message *widget.Label

	root fyne.CanvasObject
}

// showError says msg; the message line takes room only once it says
// something (empty, it pushed the fifth domain under the buttons).
func (s *SpaceScreen) showError(msg string) { s.Message.SetText(msg); s.Message.Show() }

func (k *Kiosk) showSpace() {
	s := &SpaceScreen{}
	hist := k.visit.History()
	var rows fyne.CanvasObject = widget.NewLabel(k.cat.T("visit.space.none"))
	if n := len(hist); n > 0 {
		last := hist[n-1]
		var before *learners.Diagnostic
		evo := map[string]string{}
		if n > 1 {
			before = &hist[n-2]
			for _, e := range last.Evolution {
				evo[e.Domain] = e.Label
			}
		}
		var c *fyne.Container
		s.Rows, c = k.domainRows(last.Results, before, evo)
		rows = c
	}
	title := widget.NewLabelWithStyle(k.cat.T("visit.space.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	var head fyne.CanvasObject = title
	if len(hist) > 1 {
		// "Avant → Après" under the greeting, over the bars: beside it, with
		// the sound sign and Écouter, the top bar was wider than 1024 px.
		head = container.NewVBox(title, container.NewHBox(layout.NewSpacer(), beforeAfterHeader(k)))
	}
	s.Speaker = speakerButton(k, func() string { return k.cat.T("say.visit.space") })
	s.Retake = widget.NewButtonWithIcon(k.cat.T("visit.space.retake"), theme.MediaPlayIcon(), k.start)
	s.Retake.Importance = widget.HighImportance
	s.Resume = widget.NewButtonWithIcon(k.cat.T("visit.space.resume"), theme.MediaReplayIcon(), k.resume)
	s.Resume.Importance = widget.SuccessImportance
	if k.interrupted == nil || k.interrupted.Code == "" || k.interrupted.Code != k.visit.Code() || !k.interrupted.Resumable(k.now()) {
		s.Resume.Hide()
	}
	s.Message = widget.NewLabel("")
	s.Message.Wrapping = fyne.TextWrapWord
	s.Message.Hide()
	s.Print = widget.NewButtonWithIcon(k.cat.T("visit.print"), theme.DocumentPrintIcon(), func() { k.printSheet(s.showError) })
	if len(hist) == 0 {
		s.Print.Hide()
	}
	s.Done = widget.NewButtonWithIcon(k.cat.T("visit.done"), theme.HomeIcon(), k.EndVisit)
	practised := widget.NewLabel("")
	practised.Wrapping = fyne.TextWrapWord
	practised.Hide()
	if l := k.visit.Learner(); len(l.Practised) > 0 {
		practised.SetText(k.cat.T("visit.space.practised", "modules", strings.Join(l.Practised, ", ")))
		practised.Show()
	}
	// The sound controls at their own height, top right, beside a greeting
	// that may take two lines ("Avant → Après" under it).
	top := container.NewBorder(nil, nil, nil, container.NewVBox(k.soundControls(s.Speaker)), head)
	buttons := container.NewHBox()
	for _, b := range []*widget.Button{s.Retake, s.Resume, s.Print, s.Done} {
		if b.Visible() {
			buttons.Add(container.NewGridWrap(fyne.NewSize(310, 80), b))
		}
	}
	bottom := container.NewVBox(practised, s.Message, container.NewCenter(buttons))
	if l := k.visit.Learner(); l.ID != "" {
		ids := append([]string{l.ID}, l.Linked...)
		if p, ok := k.pathOf(ids...); ok {
			s.Path = k.pathRow(p, ids...)
			bottom.Objects = append([]fyne.CanvasObject{s.Path.root}, bottom.Objects...)
		}
	}
	s.root = container.NewPadded(container.NewBorder(top, container.NewCenter(bottom), nil, nil, container.NewVScroll(rows)))
	k.clearScreens()
	k.Space = s
	if s.Path == nil {
		k.setContent(s.root, k.cat.T("say.visit.space"))
		return
	}
	// Then how to follow the path, once the space is said.
	k.setContent(s.root, "")
	k.sequence().Say(k.cat.T("say.visit.space"), k.cat.T("say.paths.follow"))
}

// CodeScreen shows the picture code just given, large; each picture says
// its name when touched.
type CodeScreen struct {
	Pictures []*widget.Button
	Print    *widget.Button
	Done     *widget.Button
	Speaker  *widget.Button
	Message  *widget.Label
	Code     string

	root fyne.CanvasObject
}

func (k *Kiosk) keepCode() {
	k.touch()
	code, err := k.visit.KeepCode(context.Background(), k.seeds)
	if err != nil {
		slog.Error("give picture code", "err", err)
		if k.Results != nil {
			k.Results.Message.SetText(k.cat.T("save.failed"))
		}
		return
	}
	k.showCode(code)
}

func (k *Kiosk) showCode(code string) {
	s := &CodeScreen{Code: code}
	row := container.NewHBox()
	for _, name := range learners.SplitCode(code) {
		b, o := pictureButton(codeResource(name), fyne.NewSize(200, 200), func() { k.touch(); k.cfg.Voice.Say(k.cat.T("say.visit.code." + name)) })
		s.Pictures = append(s.Pictures, b)
		label := widget.NewLabelWithStyle(k.cat.T("visit.code."+name), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		row.Add(container.NewVBox(o, label))
	}
	title := widget.NewLabelWithStyle(k.cat.T("visit.code.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	hint := widget.NewLabelWithStyle(k.cat.T("visit.code.hint"), fyne.TextAlignCenter, fyne.TextStyle{})
	hint.Wrapping = fyne.TextWrapWord
	s.Speaker = speakerButton(k, func() string { return k.cat.T("say.visit.code") })
	s.Message = widget.NewLabel("")
	s.Message.Wrapping = fyne.TextWrapWord
	s.Print = widget.NewButtonWithIcon(k.cat.T("visit.print"), theme.DocumentPrintIcon(), func() { k.printSheet(s.Message.SetText) })
	s.Print.Importance = widget.HighImportance
	s.Done = widget.NewButtonWithIcon(k.cat.T("visit.done"), theme.HomeIcon(), k.EndVisit)
	top := container.NewBorder(nil, nil, nil, k.soundControls(s.Speaker))
	buttons := container.NewHBox(container.NewGridWrap(fyne.NewSize(320, 80), s.Print), container.NewGridWrap(fyne.NewSize(320, 80), s.Done))
	body := container.NewVBox(title, container.NewCenter(row), hint, s.Message, container.NewCenter(buttons))
	s.root = container.NewPadded(container.NewBorder(top, nil, nil, nil, body))
	k.clearScreens()
	k.CodeShown = s
	k.setContent(s.root, k.cat.T("say.visit.code"))
}

// ConfirmStop asks, aloud, whether the visitor really wants to stop.
type ConfirmStop struct {
	Yes, No *widget.Button
	popup   *widget.PopUp
}

func (k *Kiosk) askStop() {
	k.touch()
	s := &ConfirmStop{}
	s.Yes = widget.NewButtonWithIcon(k.cat.T("visit.stop.yes"), theme.LogoutIcon(), func() {
		s.popup.Hide()
		k.Confirm = nil
		k.finish(true)
	})
	s.No = widget.NewButtonWithIcon(k.cat.T("visit.stop.no"), theme.NavigateNextIcon(), func() {
		s.popup.Hide()
		k.Confirm = nil
		k.touch()
		k.cfg.Voice.Stop()
	})
	s.No.Importance = widget.HighImportance
	q := widget.NewLabelWithStyle(k.cat.T("visit.stop.question"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	q.SizeName = theme.SizeNameHeadingText
	body := container.NewVBox(q, container.NewGridWrap(fyne.NewSize(300, 100), s.No, s.Yes))
	s.popup = widget.NewModalPopUp(container.NewPadded(body), k.win.Canvas())
	s.popup.Show()
	k.Confirm = s
	k.cfg.Voice.Say(k.cat.T("say.visit.stop"))
}

// SheetsKey is the journal state key of the folder where sheets are saved
// when no printer is configured; the mediator area sets it (sheetsettings.go).
const SheetsKey = "kiosk.sheets_dir"

// Sheet returns the visitor's take-home sheet as a PDF.
func (k *Kiosk) Sheet() ([]byte, error) {
	hist := k.visit.History()
	if len(hist) == 0 {
		return nil, errors.New("no result to print")
	}
	last := hist[len(hist)-1]
	var before *learners.Diagnostic
	if len(hist) > 1 {
		before = &hist[len(hist)-2]
	}
	evo := map[string]string{}
	for _, e := range last.Evolution {
		evo[e.Domain] = e.Label
	}
	sh := sheet.Sheet{
		Labels: sheet.Labels{Title: k.cat.T("visit.sheet.title"), Code: k.cat.T("visit.sheet.code"), Results: k.cat.T("visit.sheet.results"),
			NotTested: k.cat.T("visit.not_tested"), Before: k.cat.T("visit.before"), After: k.cat.T("visit.after"),
			Work: k.cat.T("visit.sheet.work")},
		Date: last.At.Local().Format("02/01/2006"),
		Site: k.siteName(),
	}
	if code := k.visit.Code(); code != "" {
		sh.Labels.Footer = k.cat.T("visit.sheet.footer")
		for _, name := range learners.SplitCode(code) {
			sh.Code = append(sh.Code, sheet.Picture{Name: k.cat.T("visit.code." + name), SVG: assets.CodePicture(name)})
		}
	}
	for _, d := range k.cfg.Pack.Domains {
		name := k.cat.T("domain." + d.ID)
		if name == "domain."+d.ID {
			name = d.Title
		}
		sd := sheet.Domain{Title: name}
		if b, err := k.cfg.Pack.File(d.Icon); err == nil {
			sd.Icon = b
		}
		if r, ok := last.Result(d.ID); ok {
			sd.Tested, sd.Band, sd.Word, sd.Skills = true, r.Band, k.cat.T(bandKey(r.Band)), k.sheetSkills(r.Recommended, sd.Icon)
			if before != nil {
				if b, ok := before.Result(d.ID); ok {
					sd.HasBefore, sd.BeforeBand = true, b.Band
					if l, ok := evo[d.ID]; ok {
						sd.Evolution = k.cat.T(evolutionKey(l))
					}
				}
			}
		}
		sh.Domains = append(sh.Domains, sd)
	}
	return sheet.Build(sh)
}

// sheetSkills returns the first recommended skills with their pictograms:
// the skill's own, else that of the first module teaching it (the picture
// the modules grid shows), else the domain's.
func (k *Kiosk) sheetSkills(skills []string, domainIcon []byte) []sheet.Skill {
	var out []sheet.Skill
	for _, id := range skills {
		s, ok := k.cfg.Pack.Skill(id)
		if !ok || s.Title == "" {
			continue
		}
		icon := s.Icon
		if icon == "" {
			if ms := k.cfg.Pack.ModulesFor(id); len(ms) > 0 {
				icon = ms[0].Icon
			}
		}
		sk := sheet.Skill{Title: s.Title, Icon: domainIcon}
		if b, err := k.cfg.Pack.File(icon); icon != "" && err == nil {
			sk.Icon = b
		}
		out = append(out, sk)
		if len(out) == shownSteps {
			break
		}
	}
	return out
}

// printSheet prints the sheet when a printer is configured, else saves it
// in the folder the mediator chose; show tells the visitor which.
func (k *Kiosk) printSheet(show func(string)) {
	k.touch()
	pdf, err := k.Sheet()
	if err != nil {
		slog.Error("make sheet", "err", err)
		show(k.cat.T("visit.print_failed"))
		return
	}
	if print := k.printer(); print != nil {
		err := print(pdf)
		if err == nil {
			show(k.cat.T("visit.printed"))
			return
		}
		slog.Warn("print sheet; saving it instead", "err", err)
	}
	dir := k.sheetsDir()
	name := fmt.Sprintf("tremplin-%s.pdf", k.now().Format("2006-01-02-150405"))
	path := filepath.Join(dir, name)
	err = os.MkdirAll(dir, 0o755)
	if err == nil {
		err = os.WriteFile(path, pdf, 0o644)
	}
	if err != nil {
		slog.Error("save sheet", "path", path, "err", err)
		show(k.cat.T("visit.print_failed"))
		return
	}
	show(k.cat.T("visit.saved", "path", path))
}
