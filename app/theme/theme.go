// Package theme is the kiosk's look: Andika, a font made for beginning
// readers (a Latin subset, see assets/fonts), large text and targets for
// visitors who have never used a mouse, and high-contrast colours.
package theme

import (
	"image/color"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"

	"github.com/tremplin-numerique/tremplin/assets"
)

// Colours of the kiosk. Every colour text is drawn in reaches WCAG AA
// (4.5:1) on every surface it is drawn on; TestTextContrast checks it.
var (
	Background = color.NRGBA{R: 0xfb, G: 0xf8, B: 0xf1, A: 0xff}
	Text       = color.NRGBA{R: 0x14, G: 0x14, B: 0x24, A: 0xff}
	Primary    = color.NRGBA{R: 0x1f, G: 0x4e, B: 0x9e, A: 0xff}
	Success    = color.NRGBA{R: 0x1b, G: 0x6e, B: 0x3a, A: 0xff}
	// Warm is the colour of kind warnings ("choose an answer first"): a
	// dark orange, where Fyne's default #FF9800 reaches only 2:1.
	Warm     = color.NRGBA{R: 0x9a, G: 0x4a, B: 0x00, A: 0xff}
	Error    = color.NRGBA{R: 0xa8, G: 0x1c, B: 0x1c, A: 0xff}
	Muted    = color.NRGBA{R: 0xd9, G: 0xd4, B: 0xc7, A: 0xff}
	Selected = color.NRGBA{R: 0xff, G: 0xd8, B: 0x4d, A: 0xff}
	// ButtonFill is the face of an ordinary button; Dim the colour of
	// placeholders and disabled text.
	ButtonFill = color.NRGBA{R: 0xe9, G: 0xe4, B: 0xd8, A: 0xff}
	Dim        = color.NRGBA{R: 0x55, G: 0x55, B: 0x60, A: 0xff}
	// SuccessTint and FeedbackTint are the backgrounds of the feedback
	// after a right answer and after any other.
	SuccessTint  = color.NRGBA{R: 0xd8, G: 0xf0, B: 0xdf, A: 0xff}
	FeedbackTint = color.NRGBA{R: 0xfd, G: 0xec, B: 0xc8, A: 0xff}
	// DisabledFill is the face of a disabled button.
	DisabledFill = color.NRGBA{R: 0xe4, G: 0xe1, B: 0xda, A: 0xff}
)

// Kiosk is the fyne.Theme of the kiosk.
type Kiosk struct {
	regular, bold fyne.Resource
}

// New returns the kiosk theme.
func New() *Kiosk {
	return &Kiosk{
		regular: fyne.NewStaticResource("TremplinLecture-Regular.ttf", assets.FontRegular()),
		bold:    fyne.NewStaticResource("TremplinLecture-Bold.ttf", assets.FontBold()),
	}
}

// Color returns the kiosk's colours, always the light high-contrast variant:
// a shared public computer must look the same to every visitor.
func (k *Kiosk) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case fynetheme.ColorNameBackground, fynetheme.ColorNameOverlayBackground, fynetheme.ColorNameMenuBackground:
		return Background
	case fynetheme.ColorNameForeground:
		return Text
	case fynetheme.ColorNamePrimary, fynetheme.ColorNameFocus, fynetheme.ColorNameHyperlink:
		return Primary
	case fynetheme.ColorNameForegroundOnPrimary, fynetheme.ColorNameForegroundOnSuccess,
		fynetheme.ColorNameForegroundOnWarning, fynetheme.ColorNameForegroundOnError:
		return color.White
	case fynetheme.ColorNameButton:
		return ButtonFill
	case fynetheme.ColorNameDisabledButton:
		return DisabledFill
	case fynetheme.ColorNameWarning:
		return Warm
	case fynetheme.ColorNameError:
		return Error
	case fynetheme.ColorNameInputBackground:
		return color.White
	case fynetheme.ColorNameInputBorder:
		return Text
	case fynetheme.ColorNamePlaceHolder, fynetheme.ColorNameDisabled:
		return Dim
	case fynetheme.ColorNameSuccess:
		return Success
	case fynetheme.ColorNameSelection:
		return Selected
	case fynetheme.ColorNameHover:
		return color.NRGBA{R: 0x1f, G: 0x4e, B: 0x9e, A: 0x30}
	case fynetheme.ColorNamePressed:
		return color.NRGBA{R: 0x1f, G: 0x4e, B: 0x9e, A: 0x60}
	}
	return fynetheme.DefaultTheme().Color(n, fynetheme.VariantLight)
}

// Font returns Andika for every style; monospace keeps Fyne's default.
func (k *Kiosk) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return fynetheme.DefaultTheme().Font(s)
	}
	if s.Bold {
		return k.bold
	}
	return k.regular
}

// Icon returns Fyne's default icons.
func (k *Kiosk) Icon(n fyne.ThemeIconName) fyne.Resource {
	return fynetheme.DefaultTheme().Icon(n)
}

// Size makes text and targets about 1.6 times Fyne's defaults.
func (k *Kiosk) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case fynetheme.SizeNameText:
		return 24
	case fynetheme.SizeNameHeadingText:
		return 40
	case fynetheme.SizeNameSubHeadingText:
		return 30
	case fynetheme.SizeNameCaptionText:
		return 18
	case fynetheme.SizeNameInlineIcon:
		return 32
	case fynetheme.SizeNamePadding:
		return 8
	case fynetheme.SizeNameInnerPadding:
		// Buttons stay over 60 px high (targets of 48 px and more) while a
		// question, its answers and its feedback fit 768 px.
		return 12
	case fynetheme.SizeNameInputBorder:
		return 3
	case fynetheme.SizeNameInputRadius, fynetheme.SizeNameSelectionRadius:
		return 8
	}
	return fynetheme.DefaultTheme().Size(n)
}
