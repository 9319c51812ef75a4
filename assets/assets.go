// Package assets embeds what the kiosk ships with: the default French content
// pack, the font (a Latin subset of Andika, SIL Open Font License, see
// fonts/README.md), the app icon and the translation catalogues. It holds
// data only; loading and validation live in package content.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed all:pack
var packFS embed.FS

// textFS holds the same pack without its voice clips (43 MB of the 45).
// The linker keeps only the embedded variables a program reaches: the
// kiosk calls DefaultPack, the server only TextPack, so the server binary
// carries no voice clip (75 MB → 35 MB) and neither carries both.
//
//go:embed pack/pack.yaml pack/framework.yaml pack/glossary.yaml pack/items pack/modules pack/images
var textFS embed.FS

//go:embed i18n/*.json
var i18nFS embed.FS

//go:embed fonts/TremplinLecture-Regular.ttf
var fontRegular []byte

//go:embed fonts/TremplinLecture-Bold.ttf
var fontBold []byte

//go:embed icon.png
var icon []byte

//go:embed code/*.svg
var codeFS embed.FS

// DefaultPack returns the embedded default content pack, rooted at the pack's
// top folder (the one holding pack.yaml).
func DefaultPack() fs.FS {
	sub, err := fs.Sub(packFS, "pack")
	if err != nil {
		// fs.Sub only fails on an invalid path, which is a constant here.
		panic(err)
	}
	return sub
}

// TextPack returns the embedded default pack without its voice clips: the
// framework, items, modules, glossary and pictures, enough for content.Load
// (clips are optional). The sync server's dashboard uses it; a program that
// calls only TextPack carries no clip.
func TextPack() fs.FS {
	sub, err := fs.Sub(textFS, "pack")
	if err != nil {
		panic(err)
	}
	return sub
}

// Translations returns the kiosk's translation catalogues, one JSON file
// per language (fr.json, en.json) mapping message keys to text.
func Translations() fs.FS {
	sub, err := fs.Sub(i18nFS, "i18n")
	if err != nil {
		panic(err)
	}
	return sub
}

// FontRegular returns the regular weight of the embedded font (Andika subset).
func FontRegular() []byte { return fontRegular }

// FontBold returns the bold weight of the embedded font (Andika subset).
func FontBold() []byte { return fontBold }

// Icon returns the application icon as PNG.
func Icon() []byte { return icon }

// CodePicture returns the SVG of a picture-code pictogram (code/NAME.svg,
// CC0), or nil for an unknown name.
func CodePicture(name string) []byte {
	b, err := codeFS.ReadFile("code/" + name + ".svg")
	if err != nil {
		return nil
	}
	return b
}
