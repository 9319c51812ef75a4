package app

import (
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
	Start   *widget.Button
	Speaker *widget.Button
	LangFR  *widget.Button
	LangEN  *widget.Button
	Error   *widget.Label

	startText string
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

	s.startText = k.cat.T("welcome.start")
	var start fyne.CanvasObject
	s.Start, start = widgets.BigButton(s.startText, theme.NewInvertedThemedResource(theme.MediaPlayIcon()), fyne.NewSize(440, 130), k.start)

	s.Speaker = speakerButton(k, func() string { return k.cat.T("say.welcome") })
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

	top := container.NewBorder(nil, nil, container.NewHBox(s.LangFR, s.LangEN), k.soundControls(s.Speaker))
	center := container.NewVBox(
		container.NewCenter(logo),
		title,
		subtitle,
		layout.NewSpacer(),
		container.NewCenter(start),
		s.Error,
	)
	s.root = container.NewPadded(container.NewBorder(top, nil, nil, nil, container.NewCenter(container.NewGridWrap(fyne.NewSize(760, 560), center))))
	return s
}

func (s *WelcomeScreen) showError(msg string) {
	s.Error.SetText(msg)
	s.Error.Show()
}

func (k *Kiosk) setLanguage(lang string) {
	k.cat.SetLanguage(lang)
	if k.win != nil {
		k.win.SetTitle(k.cat.T("app.title"))
	}
	k.ShowWelcome()
}

// speakerButton is the large "listen again" button every screen carries.
func speakerButton(k *Kiosk, text func() string) *widget.Button {
	b := widget.NewButtonWithIcon(k.cat.T("speaker.replay"), theme.VolumeUpIcon(), func() { k.cfg.Voice.Say(text()) })
	return b
}

// soundControls is the speaker button, with a visible "sound off" sign when
// the machine cannot play sound.
func (k *Kiosk) soundControls(speaker *widget.Button) fyne.CanvasObject {
	if !k.cfg.SoundOff {
		return speaker
	}
	off := widget.NewLabelWithStyle(k.cat.T("sound.off"), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	return container.NewHBox(widget.NewIcon(theme.VolumeMuteIcon()), off, speaker)
}

// StartText returns the text shown on the start button.
func (s *WelcomeScreen) StartText() string { return s.startText }
