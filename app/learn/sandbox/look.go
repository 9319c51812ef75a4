package sandbox

import (
	"image"
	"image/color"
	"image/draw"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
)

// Colours of the mock programs: Windows 11's light theme, a current
// browser, the State's design system (DSFR) for public forms.
var (
	winBlue     = color.NRGBA{0x00, 0x5f, 0xb8, 0xff} // Windows accent
	winSky      = color.NRGBA{0xa8, 0xc8, 0xf0, 0xff}
	winDeep     = color.NRGBA{0x1f, 0x4e, 0x9c, 0xff}
	taskbarGrey = color.NRGBA{0xee, 0xf1, 0xf6, 0xf0}
	paneGrey    = color.NRGBA{0xf3, 0xf3, 0xf3, 0xff}
	lineGrey    = color.NRGBA{0xd0, 0xd4, 0xda, 0xff}
	textGrey    = color.NRGBA{0x5f, 0x63, 0x68, 0xff}
	white       = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	black       = color.NRGBA{0x1b, 0x1b, 0x1b, 0xff}
	targetFill  = color.NRGBA{0xf0, 0x7d, 0x00, 0xff}
	highlight   = color.NRGBA{0xff, 0xc1, 0x07, 0xff}
	selectBlue  = color.NRGBA{0xcc, 0xe4, 0xf7, 0xff} // Windows' selected item
	colorNone   = color.NRGBA{}
	goodGreen   = color.NRGBA{0x18, 0x75, 0x3c, 0xff} // DSFR success
	phoneDark   = color.NRGBA{0x2b, 0x2d, 0x31, 0xf8} // Android's dark notification
	phoneGrey   = color.NRGBA{0xc4, 0xc7, 0xc5, 0xff}
	errorRed    = color.NRGBA{0xce, 0x05, 0x00, 0xff} // DSFR error
	franceBlue  = color.NRGBA{0x00, 0x00, 0x91, 0xff} // DSFR bleu France
	linkBlue    = color.NRGBA{0x1a, 0x0d, 0xab, 0xff}
)

// wallpaper is the desktop's gradient, drawn once small: the graphics card
// stretches it smoothly. A canvas.LinearGradient is computed pixel by pixel
// at the drill's full size for every new drill (~4 MB of garbage and a
// full-size texture each time).
var wallpaper = sync.OnceValue(func() image.Image {
	g := canvas.NewLinearGradient(winSky, winDeep, 135)
	src := g.Generate(64, 64)
	img := image.NewRGBA(src.Bounds())
	draw.Draw(img, img.Bounds(), src, image.Point{}, draw.Src)
	return img
})

// desktop returns a Windows 11-like wallpaper with its taskbar, to draw
// under a drill, and a function placing them at a size.
func desktop() ([]fyne.CanvasObject, func(fyne.Size)) {
	wall := canvas.NewImageFromImage(wallpaper())
	wall.FillMode = canvas.ImageFillStretch
	wall.ScaleMode = canvas.ImageScaleFastest // stretched by the graphics card, smoothly
	bar := canvas.NewRectangle(taskbarGrey)
	start := canvas.NewImageFromResource(theme.GridIcon())
	start.FillMode = canvas.ImageFillContain
	return []fyne.CanvasObject{wall, bar, start}, func(s fyne.Size) {
		wall.Resize(s)
		wall.Move(fyne.NewPos(0, 0))
		bar.Resize(fyne.NewSize(s.Width, 40))
		bar.Move(fyne.NewPos(0, s.Height-40))
		start.Resize(fyne.NewSize(28, 28))
		start.Move(fyne.NewPos(s.Width/2-14, s.Height-34))
	}
}

// text returns a canvas text of a given size and colour.
func text(s string, size float32, c color.Color, bold bool) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize = size
	t.TextStyle.Bold = bold
	return t
}

// panel puts objects on a rectangle of colour c with a thin border.
func panel(c color.Color, objs ...fyne.CanvasObject) *fyne.Container {
	bg := canvas.NewRectangle(c)
	bg.StrokeColor = lineGrey
	bg.StrokeWidth = 1
	return container.NewStack(append([]fyne.CanvasObject{bg}, objs...)...)
}

// minHeight is a layout stretching its objects to at least h high.
type minHeight struct{ h float32 }

func (m *minHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (m *minHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(0, m.h)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// spacer is an empty flexible space.
func spacer() fyne.CanvasObject { return layout.NewSpacer() }
