package sandbox

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/content"
)

// base holds what every sandbox shares: the item, the kiosk's Env, the
// attempt's end, and the banner where the hint or the solution shows.
type base struct {
	it   *content.Item
	pr   *content.Practice
	env  Env
	done func(Result)

	ended bool // done was called for this attempt

	// Banner shows the hint or the solution above the practice area.
	Banner     *fyne.Container
	BannerText *widget.Label
}

func newBase(it *content.Item, env Env, done func(Result)) *base {
	if env.T == nil {
		env.T = func(key string, args ...string) string { return key }
	}
	if env.Say == nil {
		env.Say = func(string) {}
	}
	if env.Resource == nil {
		env.Resource = func(string) fyne.Resource { return nil }
	}
	if env.Record == nil {
		env.Record = func(Action) {}
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	pr := it.Practice
	if pr == nil {
		pr = &content.Practice{}
	}
	b := &base{it: it, pr: pr, env: env, done: done}
	b.BannerText = widget.NewLabel("")
	b.BannerText.Wrapping = fyne.TextWrapWord
	b.BannerText.TextStyle.Bold = true
	bg := canvas.NewRectangle(color.NRGBA{0xff, 0xf4, 0xce, 0xff})
	bg.StrokeColor = color.NRGBA{0xe0, 0xb0, 0x30, 0xff}
	bg.StrokeWidth = 2
	bg.CornerRadius = 6
	icon := widget.NewIcon(theme.InfoIcon())
	b.Banner = container.NewStack(bg, container.NewBorder(nil, nil, icon, nil, b.BannerText))
	b.Banner.Hide()
	return b
}

// t returns the catalogue text of key.
func (b *base) t(key string, args ...string) string { return b.env.T(key, args...) }

// record journals one action.
func (b *base) record(a Action) { b.env.Record(a) }

// say speaks the catalogue phrase say.KEY.
func (b *base) say(key string, args ...string) { b.env.Say(b.t(key, args...)) }

// finish ends the attempt once; later calls until the next Reset are ignored.
func (b *base) finish(success bool, measures map[string]float64) {
	if b.ended {
		return
	}
	b.ended = true
	b.done(Result{Success: success, Measures: measures})
}

// restart opens a new attempt and hides the banner.
func (b *base) restart() {
	b.ended = false
	b.Banner.Hide()
}

// showBanner shows text above the practice area and says it.
func (b *base) showBanner(text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	b.BannerText.SetText(text)
	b.Banner.Show()
	b.env.Say(text)
}

// hint shows and says the item's hint.
func (b *base) hint() { b.showBanner(b.it.Hint) }

// solution shows and says the solution: the practice's own solution text,
// else the feedback after a miss, else the hint.
func (b *base) solution() {
	switch {
	case b.pr.Solution != "":
		b.showBanner(b.pr.Solution)
	case b.it.Feedback.Incorrect != "":
		b.showBanner(b.it.Feedback.Incorrect)
	default:
		b.hint()
	}
}

// frame puts the banner above a sandbox's area.
func (b *base) frame(area fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(b.Banner, nil, nil, nil, area)
}
