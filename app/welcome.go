package app

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/widgets"
	"github.com/tremplin-numerique/tremplin/assets"
)

// WelcomeScreen is the first screen a visitor sees: one big button.
type WelcomeScreen struct {
	// Subtitle says what the kiosk does, under the title.
	Subtitle *widget.Label
	Start    *widget.Button
	// Learn opens the modules grid ("Apprendre"), for anyone.
	Learn *widget.Button
	// Resume takes up a visit the kiosk was stopped in the middle of; it
	// shows only when there is one.
	Resume  *widget.Button
	Speaker *widget.Button
	LangFR  *widget.Button
	LangEN  *widget.Button
	Error   *widget.Label
	// Notice is a kind word for the visitor (for example after the mouse
	// warm-up), hidden when there is none.
	Notice *widget.Label
	Sound  *SoundPanel
	// Mediator opens the mediator area, behind the PIN.
	Mediator *widget.Button
	// CameBefore opens the picture keypad of a returning visitor.
	CameBefore *widget.Button

	startText string
	say       string // the catalogue key of what the screen says
	root      fyne.CanvasObject
}

func newWelcomeScreen(k *Kiosk) *WelcomeScreen {
	s := &WelcomeScreen{}
	logo := canvas.NewImageFromResource(fyne.NewStaticResource("icon.png", assets.Icon()))
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSize(140, 140))

	title := canvas.NewText(k.cat.T("welcome.title"), theme.Color(theme.ColorNameForeground))
	title.TextSize = 56
	title.TextStyle.Bold = true
	title.Alignment = fyne.TextAlignCenter
	subtitle := widget.NewLabel(k.cat.T("welcome.subtitle"))
	subtitle.Alignment = fyne.TextAlignCenter
	subtitle.Wrapping = fyne.TextWrapWord
	s.Subtitle = subtitle

	say := "say.visit.welcome"
	var came fyne.CanvasObject
	s.CameBefore, came = widgets.BigButton(k.cat.T("visit.came_before"), theme.NewInvertedThemedResource(theme.AccountIcon()), fyne.NewSize(450, 90), k.showCodePad)
	s.CameBefore.Importance = widget.SuccessImportance
	var learnButton fyne.CanvasObject
	s.Learn, learnButton = widgets.BigButton(k.cat.T("learn.open"), theme.NewInvertedThemedResource(theme.GridIcon()), fyne.NewSize(290, 90), func() { k.showLearn("") })
	came = container.NewHBox(came, learnButton)
	var resume fyne.CanvasObject
	mins := "0"
	if in := k.interrupted; in != nil {
		mins = strconv.Itoa(int(k.now().Sub(in.SavedAt).Minutes()))
	}
	// Reprendre looks unlike Commencer (another colour, another icon, the
	// time it was started) so the next visitor does not take it by mistake.
	resumeText, resumeTap, resumeSay := k.cat.T("visit.resume_anon", "min", mins), k.resume, "say.visit.resume"
	offered := k.offeredOnWelcome()
	if !offered && k.moduleOfferedOnWelcome() {
		// An anonymous visitor's module, left when the kiosk stopped.
		offered, resumeText, resumeTap, resumeSay = true, k.cat.T("learn.resume"), k.resumeModule, "say.learn.resume"
	}
	// With Reprendre under them, Commencer is less tall: at 768 px the
	// three rows of buttons covered the wrapped subtitle.
	startHeight := float32(130)
	if offered {
		startHeight = 96
	}
	s.startText = k.cat.T("welcome.start")
	var start fyne.CanvasObject
	s.Start, start = widgets.BigButton(s.startText, theme.NewInvertedThemedResource(theme.MediaPlayIcon()), fyne.NewSize(440, startHeight), k.start)
	s.Resume, resume = widgets.BigButton(resumeText, theme.NewInvertedThemedResource(theme.MediaReplayIcon()), fyne.NewSize(600, 70), resumeTap)
	s.Resume.Importance = widget.WarningImportance
	if !offered {
		resume.Hide()
		s.Resume.Hide()
	} else {
		say = resumeSay
	}
	logo.SetMinSize(fyne.NewSize(80, 80)) // room for the second big button at 768 px
	s.say = say
	s.Speaker = speakerButton(k, func() string { return k.cat.T(say) })
	s.LangFR = widget.NewButton(k.cat.T("lang.fr"), func() { k.setLanguage("fr") })
	s.LangEN = widget.NewButton(k.cat.T("lang.en"), func() { k.setLanguage("en") })
	if k.cat.Language() == "fr" {
		s.LangFR.Importance = widget.HighImportance
	} else {
		s.LangEN.Importance = widget.HighImportance
	}
	s.Error = widget.NewLabel("")
	s.Error.Wrapping = fyne.TextWrapWord
	s.Error.Importance = widget.DangerImportance
	s.Error.Hide()
	s.Notice = widget.NewLabel("")
	s.Notice.Wrapping = fyne.TextWrapWord
	s.Notice.Alignment = fyne.TextAlignCenter
	s.Notice.TextStyle.Bold = true
	s.Notice.Hide()

	s.Mediator = widget.NewButtonWithIcon(k.cat.T("mediator.button"), theme.AccountIcon(), k.showPIN)
	s.Mediator.Importance = widget.LowImportance
	top := container.NewBorder(nil, nil, container.NewHBox(s.LangFR, s.LangEN, s.Mediator), k.soundControls(s.Speaker))
	center := container.NewVBox(
		container.NewCenter(logo),
		title,
		subtitle,
		layout.NewSpacer(),
		container.NewCenter(start),
		container.NewCenter(came),
		container.NewCenter(resume),
		s.Notice,
		s.Error,
	)
	var panel fyne.CanvasObject
	s.Sound, panel = k.soundPanel()
	s.root = container.NewPadded(container.NewBorder(top, panel, nil, nil, container.NewCenter(container.NewGridWrap(fyne.NewSize(760, 560), center))))
	return s
}

func (s *WelcomeScreen) showNotice(msg string) {
	s.Notice.SetText(msg)
	s.Notice.Show()
}

func (s *WelcomeScreen) showError(msg string) {
	s.Error.SetText(msg)
	s.Error.Show()
}

func (k *Kiosk) setLanguage(lang string) {
	k.visit.Settings.Language = lang
	k.applySettings()
	k.ShowWelcome()
}

// speakerButton is the large "listen again" button every screen carries.
func speakerButton(k *Kiosk, text func() string) *widget.Button {
	b := widget.NewButtonWithIcon(k.cat.T("speaker.replay"), theme.VolumeUpIcon(), func() {
		k.touch()
		k.cfg.Voice.Say(text())
	})
	return b
}

// soundControls is the speaker button, beside a "sound off" sign that shows
// when the machine cannot play sound or the visitor turned it off.
func (k *Kiosk) soundControls(speaker *widget.Button) fyne.CanvasObject {
	k.soundText = widget.NewLabelWithStyle(k.cat.T("sound.off"), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	k.soundSign = container.NewHBox(widget.NewIcon(theme.VolumeMuteIcon()), k.soundText)
	k.soundMute = nil // until a screen's sound panel shows the visitor's choice
	k.refreshSoundSign()
	return container.NewHBox(k.soundSign, speaker)
}

// SetSoundOff shows or hides the "sound off" sign, for example once the
// sound device turned out to be missing. Call it on the UI goroutine.
func (k *Kiosk) SetSoundOff(off bool) {
	k.cfg.SoundOff = off
	k.refreshSoundSign()
}

// SoundOffShown reports whether the screen on display shows the sound
// off sign.
func (k *Kiosk) SoundOffShown() bool { return k.soundSign != nil && k.soundSign.Visible() }

// SoundSignText returns what the sound off sign says.
func (k *Kiosk) SoundSignText() string {
	if k.soundText == nil {
		return ""
	}
	return k.soundText.Text
}

func (k *Kiosk) refreshSoundSign() {
	if k.soundSign == nil {
		return
	}
	// One sound state, shown once: a machine without sound says so (and
	// offers no "mute" box); a visitor's own mute is shown by the ticked
	// box where there is one, by the sign elsewhere.
	switch {
	case k.cfg.SoundOff:
		k.soundText.SetText(k.cat.T("sound.none"))
		k.soundSign.Show()
		if k.soundMute != nil {
			k.soundMute.Hide()
		}
	case k.visit.Settings.Muted && k.soundMute == nil:
		k.soundText.SetText(k.cat.T("sound.off"))
		k.soundSign.Show()
	default:
		k.soundSign.Hide()
	}
	if !k.cfg.SoundOff && k.soundMute != nil {
		k.soundMute.Show()
	}
}

// SoundSettings is what the sound panel changes, when the voice offers it.
type SoundSettings interface {
	SetVolume(v float64)
	Volume() float64
	SetMuted(m bool)
	Muted() bool
	SetSlower(slower bool)
	Slower() bool
}

// SoundPanel holds the welcome screen's sound settings.
type SoundPanel struct {
	Quieter *widget.Button
	Louder  *widget.Button
	Slower  *widget.Check
	Mute    *widget.Check
}

// soundPanel builds the sound settings, or nothing when the voice has none.
func (k *Kiosk) soundPanel() (*SoundPanel, fyne.CanvasObject) {
	if k.cfg.Sound == nil {
		return nil, layout.NewSpacer()
	}
	p := &SoundPanel{}
	st := &k.visit.Settings
	step := func(d float64) {
		k.touch()
		st.Volume = min(1, max(0.1, st.Volume+d))
		k.applySettings()
		k.cfg.Voice.Say(k.cat.T("say.volume"))
	}
	p.Quieter = widget.NewButtonWithIcon(k.cat.T("sound.quieter"), theme.VolumeDownIcon(), func() { step(-0.2) })
	p.Louder = widget.NewButtonWithIcon(k.cat.T("sound.louder"), theme.VolumeUpIcon(), func() { step(0.2) })
	p.Slower = widget.NewCheck(k.cat.T("sound.slower"), nil)
	p.Slower.SetChecked(st.Slower)
	p.Slower.OnChanged = func(on bool) {
		k.touch()
		st.Slower = on
		k.applySettings()
		k.cfg.Voice.Say(k.cat.T("say.volume"))
	}
	p.Mute = widget.NewCheck(k.cat.T("sound.mute"), nil)
	p.Mute.SetChecked(st.Muted)
	p.Mute.OnChanged = func(on bool) {
		k.touch()
		if on {
			k.cfg.Voice.Stop()
		}
		st.Muted = on
		k.applySettings()
		k.refreshSoundSign()
	}
	k.soundMute = p.Mute
	k.refreshSoundSign()
	return p, container.NewCenter(container.NewHBox(p.Quieter, p.Louder, p.Slower, p.Mute))
}

// StartText returns the text shown on the start button.
func (s *WelcomeScreen) StartText() string { return s.startText }
