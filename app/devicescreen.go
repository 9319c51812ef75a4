package app

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/device"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/sync/event"
)

// DeviceScreen is the device settings in the mediator area: the site's
// name on sheets, the language and volume new visits start with, how long
// the kiosk waits for an idle visitor, the printer, and the mediator PIN.
type DeviceScreen struct {
	Site *widget.Entry
	// Language is the default language, one option per language.
	Language *widget.RadioGroup
	Volume   *widget.Entry
	Idle     *widget.Entry
	Printer  *widget.Entry
	// Codes, ticked, lets visitors keep a picture code to come back with.
	Codes   *widget.Check
	Save    *widget.Button
	Message *widget.Label
	// OldPIN, NewPIN and Again change the mediator PIN with ChangePIN.
	OldPIN     *widget.Entry
	NewPIN     *widget.Entry
	Again      *widget.Entry
	ChangePIN  *widget.Button
	PINMessage *widget.Label
	Back       *widget.Button

	root fyne.CanvasObject
}

// languageNames maps the language options shown to their codes.
func (k *Kiosk) languageNames() map[string]string {
	return map[string]string{k.cat.T("lang.fr"): "fr", k.cat.T("lang.en"): "en"}
}

// loadDevice reads the device settings and applies them to the visits to
// come: default language and volume, idle time, site, printer.
func (k *Kiosk) loadDevice() {
	st, err := device.Load(context.Background(), k.cfg.Journal)
	if err != nil {
		slog.Error("read device settings", "err", err)
	}
	k.applyDevice(st)
}

// applyDevice makes st the kiosk's settings; New's defaults stand for
// what st leaves unset.
func (k *Kiosk) applyDevice(st device.Settings) {
	k.device = st
	k.defaults.Language = k.baseDefaults.Language
	if st.Language != "" {
		k.defaults.Language = st.Language
	}
	k.defaults.Volume = k.baseDefaults.Volume
	if st.Volume >= 0 {
		k.defaults.Volume = float64(st.Volume) / 100
	}
}

// idleAsk is how long a visitor may stay idle before the kiosk asks
// whether they are still there (IdleAsk unless the mediator changed it).
func (k *Kiosk) idleAsk() time.Duration {
	if k.device.Idle > 0 {
		return k.device.Idle
	}
	return IdleAsk
}

func (k *Kiosk) showDevice() {
	k.touch()
	st := k.device
	s := &DeviceScreen{Message: widget.NewLabel(""), PINMessage: widget.NewLabel("")}
	for _, l := range []*widget.Label{s.Message, s.PINMessage} {
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
	}
	touch := func(string) { k.touch() }
	entry := func(text, hint string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(text)
		e.SetPlaceHolder(hint)
		e.OnChanged = touch
		return e
	}
	s.Site = entry(st.Site, k.cat.T("device.site_hint"))
	s.Language = widget.NewRadioGroup([]string{k.cat.T("lang.fr"), k.cat.T("lang.en")}, touch)
	s.Language.Horizontal = true
	s.Language.Required = true
	lang := k.defaults.Language
	for name, code := range k.languageNames() {
		if code == lang {
			s.Language.SetSelected(name)
		}
	}
	vol := ""
	if st.Volume >= 0 {
		vol = strconv.Itoa(st.Volume)
	}
	// The placeholder is the default, what an empty field means.
	s.Volume = entry(vol, strconv.Itoa(int(k.baseDefaults.Volume*100+0.5)))
	idle := ""
	if st.Idle > 0 {
		idle = strconv.Itoa(int(st.Idle / time.Minute))
	}
	s.Idle = entry(idle, strconv.Itoa(int(IdleAsk/time.Minute)))
	s.Printer = entry(st.Printer, k.cat.T("device.printer_hint"))
	s.Codes = widget.NewCheck(k.cat.T("device.codes"), func(bool) { k.touch() })
	s.Codes.SetChecked(!st.NoCodes)
	s.Save = widget.NewButtonWithIcon(k.cat.T("device.save"), theme.DocumentSaveIcon(), func() { k.saveDevice(s) })
	s.Save.Importance = widget.HighImportance

	pinEntry := func() *widget.Entry {
		e := widget.NewPasswordEntry()
		e.OnChanged = touch
		return e
	}
	s.OldPIN, s.NewPIN, s.Again = pinEntry(), pinEntry(), pinEntry()
	s.Again.OnSubmitted = func(string) { k.changePIN(s) }
	s.ChangePIN = widget.NewButtonWithIcon(k.cat.T("device.pin_change"), theme.ConfirmIcon(), func() { k.changePIN(s) })
	s.Back = widget.NewButtonWithIcon(k.cat.T("common.back"), theme.NavigateBackIcon(), k.showMediator)

	bold := func(key string) *widget.Label {
		l := widget.NewLabelWithStyle(k.cat.T(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	// Each field under its label: side by side, the labels made the
	// screen wider than 1024 px.
	field := func(key string, o fyne.CanvasObject) fyne.CanvasObject {
		l := widget.NewLabel(k.cat.T(key))
		l.Wrapping = fyne.TextWrapWord
		return container.NewVBox(l, o)
	}
	// A number takes a small field on its label's line.
	inline := func(key string, o fyne.CanvasObject) fyne.CanvasObject {
		return container.NewHBox(widget.NewLabel(k.cat.T(key)), container.NewGridWrap(fyne.NewSize(110, o.MinSize().Height), o))
	}
	left := container.NewVBox(bold("device.for_visits"),
		container.NewBorder(nil, nil, widget.NewLabel(k.cat.T("device.site")), nil, s.Site),
		container.NewHBox(widget.NewLabel(k.cat.T("device.language")), s.Language),
		inline("device.volume", s.Volume), inline("device.idle", s.Idle),
		container.NewBorder(nil, nil, widget.NewLabel(k.cat.T("device.printer")), nil, s.Printer),
		s.Codes, container.NewHBox(s.Save), s.Message)
	right := container.NewVBox(bold("device.pin"),
		field("device.pin_old", s.OldPIN), field("device.pin_new", s.NewPIN), field("device.pin_again", s.Again),
		container.NewHBox(s.ChangePIN), s.PINMessage)
	title := widget.NewLabelWithStyle(k.cat.T("device.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	s.root = container.NewPadded(container.NewBorder(container.NewBorder(nil, nil, s.Back, nil, title), nil, nil, nil,
		// The PIN's column takes what it needs; the settings, with their
		// longer labels, the rest.
		container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(390, 600), right), left)))
	k.clearScreens()
	k.Device = s
	k.setContent(s.root, "")
	relayout(s.root)
}

// saveDevice checks every field, says the first wrong one in plain words
// (keeping what was typed), else saves and applies them all.
func (k *Kiosk) saveDevice(s *DeviceScreen) {
	k.touch()
	var st device.Settings
	var err error
	bad := func(key string, args ...string) {
		s.Message.Importance = widget.WarningImportance
		s.Message.SetText(k.cat.T(key, args...))
	}
	if st.Site, err = device.CheckSite(s.Site.Text); err != nil {
		bad("device.bad_site", "n", strconv.Itoa(device.MaxSite))
		return
	}
	st.Language = k.languageNames()[s.Language.Selected]
	if st.Language == k.baseDefaults.Language {
		st.Language = "" // the kiosk's own default: follows --lang
	}
	if st.Volume, err = device.ParseVolume(s.Volume.Text); err != nil {
		bad("device.bad_volume")
		return
	}
	if st.Idle, err = device.ParseIdle(s.Idle.Text); err != nil {
		bad("device.bad_idle", "min", strconv.Itoa(device.MinIdle), "max", strconv.Itoa(device.MaxIdle))
		return
	}
	if st.Printer, err = device.CheckPrinter(s.Printer.Text); err != nil {
		bad("device.bad_printer")
		return
	}
	st.NoCodes = !s.Codes.Checked
	ctx := context.Background()
	if err := device.Save(ctx, k.cfg.Journal, st); err != nil {
		k.saveFailed(err, s.Message.SetText)
		return
	}
	// Who changed which settings, and when; the values stay on the device
	// (its state is not synced).
	if changed := device.Changed(k.device, st); len(changed) > 0 {
		if _, err := k.cfg.Journal.Append(ctx, event.TypeDeviceSettingsChanged, "",
			event.DeviceSettingsChanged{Keys: changed, MediatorSession: k.mediatorSession}); err != nil {
			slog.Error("journal device settings change", "err", err)
		}
	}
	// The next visit starts with them (leaving the mediator area starts
	// it); the mediator's screen stays as it is.
	k.applyDevice(st)
	s.Message.Importance = widget.SuccessImportance
	s.Message.SetText(k.cat.T("device.saved"))
}

// changePIN changes the mediator PIN: the old one is required (a wrong one
// counts toward the PIN lockout), the new one is 6 digits, typed twice.
func (k *Kiosk) changePIN(s *DeviceScreen) {
	k.touch()
	ctx := context.Background()
	say := func(key string, args ...string) {
		s.PINMessage.Importance = widget.WarningImportance
		s.PINMessage.SetText(k.cat.T(key, args...))
	}
	if wait, err := k.pinLock.Wait(ctx); err == nil && wait > 0 {
		say("pin.locked", "s", strconv.Itoa(int(wait.Seconds()+0.999)))
		return
	}
	if !pin.Verify(s.OldPIN.Text, k.pinHash()) {
		s.OldPIN.SetText("")
		if wait, err := k.pinLock.Fail(ctx); err == nil && wait > 0 {
			say("pin.locked", "s", strconv.Itoa(int(wait.Seconds()+0.999)))
			return
		}
		say("device.pin_wrong_old")
		return
	}
	if len(s.NewPIN.Text) != pin.MinLength || pin.Check(s.NewPIN.Text) != nil {
		say("device.pin_bad_new", "n", strconv.Itoa(pin.MinLength))
		return
	}
	if s.Again.Text != s.NewPIN.Text {
		s.Again.SetText("")
		say("device.pin_mismatch")
		return
	}
	h, err := pin.Hash(s.NewPIN.Text)
	if err == nil {
		err = k.cfg.Mediator.SetPINHash(h)
	}
	if errors.Is(err, pin.ErrTooShort) || errors.Is(err, pin.ErrNotDigits) {
		say("device.pin_bad_new", "n", strconv.Itoa(pin.MinLength))
		return
	}
	if err != nil {
		slog.Error("change mediator PIN", "err", err)
		say("save.failed")
		return
	}
	if err := k.pinLock.Reset(ctx); err != nil {
		slog.Error("reset PIN lockout", "err", err)
	}
	if _, err := k.cfg.Journal.Append(ctx, event.TypeDeviceSettingsChanged, "",
		event.DeviceSettingsChanged{Keys: []string{"mediator.pin"}, MediatorSession: k.mediatorSession}); err != nil {
		slog.Error("journal PIN change", "err", err)
	}
	s.OldPIN.SetText("")
	s.NewPIN.SetText("")
	s.Again.SetText("")
	s.PINMessage.Importance = widget.SuccessImportance
	s.PINMessage.SetText(k.cat.T("device.pin_changed"))
}
