package learn

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/picture"
	"github.com/tremplin-numerique/tremplin/content"
)

// Grid is the "Apprendre" screen: the pack's domains as pictures, and the
// modules of the chosen domain as a grid of picture cards.
type Grid struct {
	// Domains are the domain buttons, in the framework's order; DomainIDs
	// their ids.
	Domains   []*widget.Button
	DomainIDs []string
	// Modules are the cards of the chosen domain's modules on screen;
	// ModuleIDs their ids.
	Modules   []*widget.Button
	ModuleIDs []string
	// More turns to the domain's next modules ("Autres modules"), when
	// they do not all fit (more than PerPage); nil otherwise.
	More *widget.Button
	Home *widget.Button

	// OnOpen is called with the module a card opens; OnHome by "Accueil".
	OnOpen func(*content.Module)
	OnHome func()

	h           Host
	pack        *content.Pack
	domainCells []fyne.CanvasObject
	domainMarks []*canvas.Rectangle
	page        int
	domain      string
	cards       *fyne.Container
	root        fyne.CanvasObject
}

// NewGrid returns the modules grid of pack, showing domain's modules ("":
// the first domain with a module) and says what to do.
func NewGrid(h Host, pack *content.Pack, domain string) *Grid {
	g := &Grid{h: h, pack: pack, cards: container.NewGridWithColumns(2)}
	for _, d := range pack.Domains {
		if len(pack.DomainModules(d.ID)) == 0 {
			continue
		}
		if domain == "" {
			domain = d.ID
		}
		id, title := d.ID, d.Title
		// The chosen domain is marked by a light fill with a dark frame
		// under its dark name: a dark fill (the warning colour) left the
		// name at about 2.6:1.
		mark := canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
		mark.StrokeColor = theme.Color(theme.ColorNameForeground)
		mark.StrokeWidth = 4
		mark.CornerRadius = theme.InputRadiusSize()
		mark.Hide()
		b, card := pictureButton(d.Title, h.Resource(d.Icon), 56, fyne.NewSize(300, 112), mark, func() {
			h.Touched()
			h.Say(title)
			g.Show(id)
		})
		g.domainMarks = append(g.domainMarks, mark)
		g.Domains = append(g.Domains, b)
		g.DomainIDs = append(g.DomainIDs, id)
		g.domainCells = append(g.domainCells, card)
	}
	title := widget.NewLabelWithStyle(h.T("learn.grid_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	g.Home = widget.NewButtonWithIcon(h.T("learn.home"), theme.HomeIcon(), func() {
		h.Touched()
		if g.OnHome != nil {
			g.OnHome()
		}
	})
	domains := container.NewVBox()
	for _, c := range g.domainCells {
		domains.Add(c)
	}
	top := container.NewBorder(nil, nil, title, container.NewGridWrap(fyne.NewSize(200, 56), g.Home))
	g.root = container.NewBorder(top, nil, domains, nil,
		container.NewVBox(container.NewCenter(g.cards), layout.NewSpacer()))
	g.Show(domain)
	h.Say(h.T("say.learn.grid"))
	return g
}

// View returns the grid's screen.
func (g *Grid) View() fyne.CanvasObject { return g.root }

// Domain returns the domain shown.
func (g *Grid) Domain() string { return g.domain }

// PerPage is how many cards the grid shows at once: four rows of two fit
// 1024×768. A domain with more modules shows PerPage-1 of them and an
// "Autres modules" card that turns to the next ones (the last page turns
// back to the first).
const PerPage = 8

// Show shows the first modules of domain.
func (g *Grid) Show(domain string) { g.showPage(domain, 0) }

// Page returns the page of the domain's modules on screen, from 0.
func (g *Grid) Page() int { return g.page }

func (g *Grid) showPage(domain string, page int) {
	g.domain = domain
	for i := range g.Domains {
		if g.DomainIDs[i] == domain {
			g.domainMarks[i].Show()
		} else {
			g.domainMarks[i].Hide()
		}
	}
	all := g.pack.DomainModules(domain)
	per, pages := len(all), 1
	if len(all) > PerPage {
		per = PerPage - 1
		pages = (len(all) + per - 1) / per
	}
	page %= pages
	g.page = page
	g.Modules, g.ModuleIDs, g.More = nil, nil, nil
	g.cards.Objects = nil
	size := fyne.NewSize(330, 150)
	for _, m := range all[page*per : min(len(all), (page+1)*per)] {
		b, card := pictureButton(m.Title+"\n"+g.h.T("learn.minutes", "n", strconv.Itoa(m.Minutes)), g.h.Resource(m.Icon), 64, size, nil, func() {
			g.h.Touched()
			if g.OnOpen != nil {
				g.OnOpen(m)
			}
		})
		g.Modules = append(g.Modules, b)
		g.ModuleIDs = append(g.ModuleIDs, m.ID)
		g.cards.Add(card)
	}
	if pages > 1 {
		text := g.h.T("learn.more_modules") + "\n" + strconv.Itoa(page+1) + " / " + strconv.Itoa(pages)
		b, card := pictureButton(text, theme.NavigateNextIcon(), 64, size, nil, func() {
			g.h.Touched()
			g.showPage(domain, page+1)
		})
		g.More = b
		g.cards.Add(card)
	}
	g.cards.Refresh()
}

// pictureButton is a big button of the grid: a picture beside a title
// that wraps, the whole of it tappable. It returns the button (to tap)
// and the object to lay out, of the given size; mark, if not nil, is drawn
// over the button's face and under the picture and title (the chosen
// domain's highlight).
func pictureButton(title string, pic fyne.Resource, picSize float32, size fyne.Size, mark fyne.CanvasObject, tapped func()) (*widget.Button, fyne.CanvasObject) {
	b := widget.NewButton("", tapped)
	label := widget.NewLabelWithStyle(title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	label.Wrapping = fyne.TextWrapWord
	var top fyne.CanvasObject = layout.NewSpacer()
	if pic != nil {
		top = container.NewCenter(picture.New(pic, fyne.NewSquareSize(picSize)))
	}
	face := container.NewBorder(nil, nil, container.NewPadded(top), nil, container.NewVBox(layout.NewSpacer(), label, layout.NewSpacer()))
	layers := container.NewStack(b, face)
	if mark != nil {
		layers = container.NewStack(b, mark, face)
	}
	return b, container.NewGridWrap(size, layers)
}
