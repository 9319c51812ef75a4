package sandbox_test

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	"github.com/tremplin-numerique/tremplin/app/theme"
)

// BenchmarkOpen measures opening each sandbox as the player does: build it
// for its item and lay it out in a window at the player's size (with the
// kiosk's theme). Target: under 100 ms after the first.
func BenchmarkOpen(b *testing.B) {
	for _, ex := range examples() {
		if ex.prep != nil {
			continue
		}
		b.Run(ex.name, func(b *testing.B) {
			a := test.NewTempApp(b)
			a.Settings().SetTheme(theme.New())
			T := catalogue(b, "fr")
			w := test.NewWindow(nil)
			defer w.Close()
			w.Resize(sandbox.ViewSize)
			for b.Loop() {
				s, err := sandbox.New(ex.it, sandbox.Env{T: T}, nil)
				if err != nil {
					b.Fatal(err)
				}
				w.SetContent(s.View())
			}
		})
	}
}
