//go:build cgo

// Command sandboxshow opens one practice sandbox in a real window, framed as
// the module player frames it, to look at it, try it with the mouse, and
// test it under Xvfb. Each action and each attempt's result is printed as a
// JSON line on standard output.
//
//	go run ./app/learn/sandbox/internal/sandboxshow --item co-pj-4
//	go run ./app/learn/sandbox/internal/sandboxshow --demo form --size 1920x1080
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	_ "github.com/tremplin-numerique/tremplin/internal/locale" // before Fyne reads the locale
)

func main() {
	itemID := flag.String("item", "", "a practice item of the default pack")
	demo := flag.String("demo", "", "a built-in example: "+strings.Join(demoNames(), ", "))
	size := flag.String("size", "1024x768", "window size")
	flag.Parse()
	if err := run(*itemID, *demo, *size); err != nil {
		fmt.Fprintln(os.Stderr, "sandboxshow:", err)
		os.Exit(1)
	}
}

func run(itemID, demo, size string) error {
	var w, h float32
	if _, err := fmt.Sscanf(size, "%fx%f", &w, &h); err != nil {
		return fmt.Errorf("size %q: want WxH", size)
	}
	it, err := pick(itemID, demo)
	if err != nil {
		return err
	}
	T, err := catalogue()
	if err != nil {
		return err
	}
	a := app.NewWithID("fr.tremplin.sandboxshow")
	a.Settings().SetTheme(kiosktheme.New())
	win := a.NewWindow("Sandbox " + it.ID)
	out := json.NewEncoder(os.Stdout)
	var where func()
	env := sandbox.Env{T: T, Say: func(s string) { out.Encode(map[string]string{"say": s}) },
		Record: func(a sandbox.Action) { out.Encode(map[string]any{"action": a}); where() }, Now: time.Now}
	s, err := sandbox.New(it, env, func(r sandbox.Result) { out.Encode(map[string]any{"result": r}) })
	if err != nil {
		return err
	}
	instr := widget.NewLabelWithStyle(it.Prompt, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	row := container.NewHBox(widget.NewButton("Écouter", nil), widget.NewButton("Réessayer", s.Reset),
		widget.NewButton("Indice", s.ShowHint), widget.NewButton("Solution", s.ShowSolution))
	win.SetContent(container.NewBorder(instr, row, nil, nil, s.View()))
	win.Resize(fyne.NewSize(w, h))
	win.SetFixedSize(true)
	// Where a test's mouse should go: the target of a drill, once laid
	// out, and again after each action (the target moves and shrinks).
	where = func() {
		go func() {
			time.Sleep(300 * time.Millisecond)
			fyne.Do(func() {
				mid := func(o fyne.CanvasObject) (float32, float32) {
					p := a.Driver().AbsolutePositionForObject(o)
					return p.X + o.Size().Width/2, p.Y + o.Size().Height/2
				}
				if o := target(s); o != nil {
					x, y := mid(o)
					out.Encode(map[string]float32{"target_x": x, "target_y": y})
				}
				// For the explorer: the file to move and the folder to drop it on.
				if f, ok := s.(*sandbox.Files); ok && it.Practice != nil {
					file, folder := f.Tiles[it.Practice.File], f.Folders[it.Practice.Goal]
					if file != nil && folder != nil {
						x, y := mid(file)
						x2, y2 := mid(folder)
						out.Encode(map[string]float32{"file_x": x, "file_y": y, "folder_x": x2, "folder_y": y2})
					}
				}
			})
		}()
	}
	where()
	win.ShowAndRun()
	return nil
}

// target returns what a drill wants clicked.
func target(s sandbox.Sandbox) fyne.CanvasObject {
	switch d := s.(type) {
	case *sandbox.ClickDrill:
		return d.Target
	case *sandbox.DoubleClickDrill:
		return d.Folder
	}
	return nil
}

func pick(itemID, demo string) (*content.Item, error) {
	if demo != "" {
		it, ok := demos()[demo]
		if !ok {
			return nil, fmt.Errorf("no demo %q (have %s)", demo, strings.Join(demoNames(), ", "))
		}
		return it, nil
	}
	p, err := content.Load(assets.DefaultPack())
	if err != nil {
		return nil, err
	}
	it, ok := p.Item(itemID)
	if !ok || content.IsQuestion(it.Kind) {
		return nil, fmt.Errorf("no practice item %q in the default pack", itemID)
	}
	return it, nil
}

func catalogue() (func(string, ...string) string, error) {
	b, err := fs.ReadFile(assets.Translations(), "sandbox.fr.json")
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read sandbox.fr.json: %w", err)
	}
	return func(key string, args ...string) string {
		s, ok := m[key]
		if !ok {
			slog.Warn("no text", "key", key)
			return key
		}
		for i := 0; i+1 < len(args); i += 2 {
			s = strings.ReplaceAll(s, "{"+args[i]+"}", args[i+1])
		}
		return s
	}, nil
}

func demoNames() []string {
	var out []string
	for k := range demos() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// demos are examples using the practice data the default pack does not
// use yet.
func demos() map[string]*content.Item {
	search := &content.Practice{Goal: "caf.fr"}
	search.Task = content.TaskSpotAd
	search.Search = []content.Link{
		{Text: "Aide CAF en 5 minutes – dossier express", URL: "aides-express.com", Ad: true},
		{Text: "caf.fr – Caisse d'allocations familiales", URL: "caf.fr"},
		{Text: "Mes droits – service-public.gouv.fr", URL: "service-public.gouv.fr"},
	}
	tabs := &content.Practice{Goal: "Gagnez un iPhone"}
	tabs.Task = content.TaskCloseTab
	tabs.Tabs = []content.Tab{{Title: "Service Public", URL: "service-public.gouv.fr"}, {Title: "Gagnez un iPhone", URL: "cadeau-gratuit.info"}, {Title: "Météo", URL: "meteo.fr"}}
	phone := content.Field{ID: "tel", Label: "Votre téléphone", Format: "phone"}
	phone.Optional = true
	doc := content.Field{ID: "justificatif", Label: "Justificatif de domicile", Format: "file", Accept: []string{"facture-edf.pdf"}}
	doc.Files = []string{"facture-edf.pdf", "photo-chat.jpg"}
	form := &content.Practice{Fields: []content.Field{
		{ID: "courriel", Label: "Votre adresse de courriel", Format: "email"},
		phone,
		{ID: "mdp", Label: "Choisissez un mot de passe", Format: "password"},
		doc,
		{ID: "code", Label: "Code reçu par SMS", Format: "code"},
	}}
	form.Code = "482913"
	usb := &content.Practice{Files: []string{"mon-cv.pdf", "liste-courses.txt", "photo-chat.jpg"},
		Folders: []string{content.USBFolder, "Documents", "Images"}, File: "mon-cv.pdf", Goal: content.USBFolder}
	usb.USB = true
	return map[string]*content.Item{
		"search": {ID: "demo-search", Kind: content.KindSandboxBrowser, Prompt: "Cliquez sur la publicité.", Practice: search},
		"tabs":   {ID: "demo-tabs", Kind: content.KindSandboxBrowser, Prompt: "Fermez l'onglet de la publicité.", Practice: tabs},
		"form":   {ID: "demo-form", Kind: content.KindSandboxForm, Prompt: "Créez votre compte.", Practice: form},
		"usb":    {ID: "demo-usb", Kind: content.KindSandboxFiles, Prompt: "Branchez la clé USB. Copiez votre CV dessus.", Practice: usb},
	}
}
