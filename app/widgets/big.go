package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// BigButton returns a primary button with a large pictogram and large text,
// for the one action a screen is about (such as "Commencer"), and the
// object to place on screen. Tapping anywhere on it presses the button.
func BigButton(text string, icon fyne.Resource, size fyne.Size, tapped func()) (*widget.Button, fyne.CanvasObject) {
	b := widget.NewButton("", tapped)
	b.Importance = widget.HighImportance
	label := canvas.NewText(text, color.White)
	label.TextSize = 40
	label.TextStyle.Bold = true
	pic := canvas.NewImageFromResource(icon)
	pic.FillMode = canvas.ImageFillContain
	pic.SetMinSize(fyne.NewSize(56, 56))
	face := container.NewCenter(container.NewHBox(pic, label))
	return b, container.NewGridWrap(size, container.NewStack(b, face))
}
