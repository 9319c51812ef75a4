package learn

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/widgets"
	"github.com/tremplin-numerique/tremplin/content"
)

// Grid is the "Apprendre" screen: the pack's domains as pictures, and the
// modules of the chosen domain as a grid of picture cards.
type Grid struct {
	// Domains are the domain buttons, in the framework's order; DomainIDs
	// their ids.
	Domains   []*widgets.ChoiceCard
	DomainIDs []string
	// Modules are the cards of the chosen domain's modules; ModuleIDs
	// their ids.
	Modules   []*widgets.ChoiceCard
	ModuleIDs []string
	Home      *widget.Button

	// OnOpen is called with the module a card opens; OnHome by "Accueil".
	OnOpen func(*content.Module)
	OnHome func()

	h      Host
	pack   *content.Pack
	domain string
	cards  *fyne.Container
	root   fyne.CanvasObject
}

// NewGrid returns the modules grid of pack, showing domain's modules ("":
// the first domain with a module) and says what to do.
func NewGrid(h Host, pack *content.Pack, domain string) *Grid {
	g := &Grid{h: h, pack: pack, cards: container.NewGridWithColumns(4)}
	for _, d := range pack.Domains {
		if len(pack.DomainModules(d.ID)) == 0 {
			continue
		}
		if domain == "" {
			domain = d.ID
		}
		id, title := d.ID, d.Title
		card := widgets.NewChoiceCard(d.Title, h.Resource(d.Icon), func() {
			h.Touched()
			h.Say(title)
			g.Show(id)
		})
		g.Domains = append(g.Domains, card)
		g.DomainIDs = append(g.DomainIDs, id)
	}
	title := widget.NewLabelWithStyle(h.T("learn.grid_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	g.Home = widget.NewButtonWithIcon(h.T("learn.home"), theme.HomeIcon(), func() {
		h.Touched()
		if g.OnHome != nil {
			g.OnHome()
		}
	})
	domains := container.NewGridWithColumns(max(1, len(g.Domains)))
	for _, c := range g.Domains {
		domains.Add(container.NewGridWrap(fyne.NewSize(190, 150), c))
	}
	top := container.NewBorder(nil, nil, title, container.NewGridWrap(fyne.NewSize(200, 56), g.Home))
	g.root = container.NewBorder(container.NewVBox(top, container.NewCenter(domains)), nil, nil, nil,
		container.NewVBox(layout.NewSpacer(), container.NewCenter(g.cards), layout.NewSpacer()))
	g.Show(domain)
	h.Say(h.T("say.learn.grid"))
	return g
}

// View returns the grid's screen.
func (g *Grid) View() fyne.CanvasObject { return g.root }

// Domain returns the domain shown.
func (g *Grid) Domain() string { return g.domain }

// Show shows the modules of domain.
func (g *Grid) Show(domain string) {
	g.domain = domain
	for i, c := range g.Domains {
		c.SetSelected(g.DomainIDs[i] == domain)
	}
	g.Modules, g.ModuleIDs = nil, nil
	g.cards.Objects = nil
	for _, m := range g.pack.DomainModules(domain) {
		card := widgets.NewChoiceCard(m.Title+"\n"+g.h.T("learn.minutes", "n", strconv.Itoa(m.Minutes)), g.h.Resource(m.Icon), func() {
			g.h.Touched()
			if g.OnOpen != nil {
				g.OnOpen(m)
			}
		})
		g.Modules = append(g.Modules, card)
		g.ModuleIDs = append(g.ModuleIDs, m.ID)
		g.cards.Add(container.NewGridWrap(fyne.NewSize(230, 230), card))
	}
	g.cards.Refresh()
}
