package app_test

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// clipped lists the visible labels, buttons and check boxes of o drawn
// smaller than their text needs (cut or overflowing), and entries with a
// placeholder wider than the field.
func clipped(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *widget.Label:
			// A wrapped label's minimum height follows its last width:
			// only labels on one line are checked here.
			if w.Text != "" && w.Truncation == fyne.TextTruncateOff && w.Wrapping == fyne.TextWrapOff && (w.Size().Width+1 < w.MinSize().Width || w.Size().Height+1 < w.MinSize().Height) {
				out = append(out, fmt.Sprintf("label %q: %v for %v", w.Text, w.Size(), w.MinSize()))
			}
			return
		case *widget.Button:
			if w.Size().Width+1 < w.MinSize().Width {
				out = append(out, fmt.Sprintf("button %q: %v for %v", w.Text, w.Size(), w.MinSize()))
			}
			return
		case *widget.Check:
			if w.Size().Width+1 < w.MinSize().Width {
				out = append(out, fmt.Sprintf("check %q: %v for %v", w.Text, w.Size(), w.MinSize()))
			}
			return
		case *widget.Entry:
			if w.PlaceHolder != "" {
				need := fyne.MeasureText(w.PlaceHolder, 0, fyne.TextStyle{}).Width
				if need == 0 || w.Size().Width < need {
					out = append(out, fmt.Sprintf("placeholder %q: field %v", w.PlaceHolder, w.Size()))
				}
			}
			return
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
			return
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// TestNoTextIsCut: at 1024×768, in French and English, no label, button
// or check box of the welcome, PIN and results screens is drawn smaller
// than its text, and no placeholder is wider than its field.
func TestNoTextIsCut(t *testing.T) {
	layoutOnly(t)
	for _, lang := range []string{"fr", "en"} {
		f := newFixture(t)
		f.w.Resize(fyne.NewSize(1024, 768))
		if lang == "en" {
			test.Tap(f.k.Welcome.LangEN)
		}
		check := func(name string) {
			for _, c := range clipped(f.w.Content()) {
				t.Errorf("%s %s: %s", lang, name, c)
			}
		}
		check("welcome")
		test.Tap(f.k.Welcome.Mediator)
		check("PIN")
		test.Tap(f.k.PIN.Back)
		startTest(f.k)
		for i := 0; i < 6 && f.k.Question != nil; i++ {
			f.answer(t, i)
			test.Tap(f.k.Question.Continue)
		}
		stopTest(f.k)
		check("results")
	}
}
