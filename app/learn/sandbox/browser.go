package sandbox

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
)

// Browser is the web browser sandbox: tabs with close crosses, a back
// button, an address bar, mock pages of the pack, and a search engine whose
// results start with ads labelled "Sponsorisé". Success depends on the
// item's task (content.TaskReach, TaskSpotAd, TaskCloseTab).
type Browser struct {
	*base
	task string

	// AddressBar takes an address or words to search (Enter opens).
	AddressBar *widget.Entry
	// Back goes to the previous page of the tab; NewTab opens a tab.
	Back, NewTab *widget.Button
	// Tabs are the open tabs, left to right.
	Tabs []*BrowserTab
	// Links are the links of the page shown; Ads marks which are ads.
	Links []*widget.Button
	Ads   []bool

	current int
	strip   *fyne.Container
	page    *fyne.Container
	scroll  *container.Scroll
	view    fyne.CanvasObject
}

// BrowserTab is one tab: its button, its close cross and its history.
type BrowserTab struct {
	Button, Close *widget.Button
	history       []string // addresses, the page shown last
	title         string
	fixed         string // the pack's title for the tab's first page
	box           fyne.CanvasObject
}

func newBrowser(b *base) (*Browser, error) {
	br := &Browser{base: b, task: b.it.TaskOf()}
	br.AddressBar = widget.NewEntry()
	br.AddressBar.SetPlaceHolder(br.t("sandbox.browser.address_here"))
	br.AddressBar.OnSubmitted = func(s string) { br.typed(s) }
	br.Back = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), br.goBack)
	br.NewTab = widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() {
		if br.ended || len(br.Tabs) >= MaxTabs {
			return
		}
		br.record(Action{Kind: "new_tab"})
		br.addTab(br.t("sandbox.browser.new_tab"), "")
		br.selectTab(len(br.Tabs) - 1)
	})
	reload := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), func() {})
	sq := func(o fyne.CanvasObject) fyne.CanvasObject { return container.NewGridWrap(fyne.NewSquareSize(52), o) }
	toolbar := container.NewBorder(nil, nil, container.NewHBox(sq(br.Back), sq(reload)), nil,
		container.New(&minHeight{52}, br.AddressBar))
	br.strip = container.NewHBox()
	br.page = container.NewVBox()
	br.scroll = container.NewVScroll(container.NewPadded(br.page))
	stripBg := canvas.NewRectangle(lineGrey)
	top := container.NewVBox(
		container.NewStack(stripBg, container.NewBorder(nil, nil, nil, nil, container.NewHBox(br.strip, sq(br.NewTab)))),
		container.NewStack(canvas.NewRectangle(white), container.NewPadded(toolbar)),
		widget.NewSeparator(),
	)
	br.view = b.frame(container.NewBorder(top, nil, nil, nil, container.NewStack(canvas.NewRectangle(white), br.scroll)))
	br.Reset()
	return br, nil
}

func (br *Browser) addTab(title, url string) *BrowserTab {
	tab := &BrowserTab{title: title, fixed: title, history: []string{url}}
	tab.Button = widget.NewButton(short(title, tabChars), nil)
	tab.Button.Alignment = widget.ButtonAlignLeading
	tab.Close = widget.NewButtonWithIcon("", theme.CancelIcon(), nil)
	tab.Close.Importance = widget.LowImportance
	tab.Button.OnTapped = func() {
		if i := slices.Index(br.Tabs, tab); i >= 0 && !br.ended {
			br.record(Action{Kind: "click", Target: "tab", Value: tab.title})
			br.selectTab(i)
		}
	}
	tab.Close.OnTapped = func() { br.closeTab(tab) }
	tab.box = container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSquareSize(52), tab.Close),
		container.NewGridWrap(fyne.NewSize(180, 52), tab.Button))
	br.Tabs = append(br.Tabs, tab)
	br.strip.Add(tab.box)
	return tab
}

// MaxTabs is how many tabs fit a 1024-wide screen; the «+» does nothing
// beyond.
const MaxTabs = 4

// tabChars is how much of a title a tab shows.
const tabChars = 11

// short cuts a tab title as browsers do.
func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (br *Browser) selectTab(i int) {
	br.current = i
	for j, t := range br.Tabs {
		if j == i {
			t.Button.Importance = widget.MediumImportance
		} else {
			t.Button.Importance = widget.LowImportance
		}
		t.Button.Refresh()
	}
	tab := br.Tabs[i]
	br.render(tab.history[len(tab.history)-1])
}

func (br *Browser) closeTab(tab *BrowserTab) {
	if br.ended {
		return
	}
	i := slices.Index(br.Tabs, tab)
	if i < 0 {
		return
	}
	br.record(Action{Kind: "close_tab", Target: tab.history[len(tab.history)-1], Value: tab.title})
	br.Tabs = slices.Delete(br.Tabs, i, i+1)
	br.strip.Remove(tab.box)
	if len(br.Tabs) == 0 {
		br.addTab(br.t("sandbox.browser.new_tab"), "")
	}
	br.selectTab(min(i, len(br.Tabs)-1))
	if br.task == content.TaskCloseTab {
		goal := br.pr.Goal
		right := tab.title == goal || sameURL(tab.history[len(tab.history)-1], goal) || slices.ContainsFunc(tab.history, func(u string) bool { return sameURL(u, goal) })
		br.finish(right, nil)
	}
}

// sameURL compares two addresses as a person means them.
func sameURL(a, b string) bool {
	if strings.TrimSpace(a) == "" || strings.TrimSpace(b) == "" {
		return false
	}
	return assessment.MatchText(assessment.FormatURL, []string{b}, a)
}

// isAddress tells an address ("caf.fr", "https://…") from words to search.
func isAddress(s string) bool {
	s = strings.TrimSpace(s)
	return !strings.Contains(s, " ") && strings.Contains(s, ".") && !strings.HasSuffix(s, ".")
}

func (br *Browser) typed(s string) {
	if br.ended || strings.TrimSpace(s) == "" {
		return
	}
	br.record(Action{Kind: "type", Target: "address_bar", Value: s})
	if isAddress(s) {
		br.navigate(s, false)
		return
	}
	br.navigate(searchPrefix+strings.TrimSpace(s), false)
}

// searchPrefix marks a results page in a tab's history.
const searchPrefix = "recherche:"

// known returns the page of the pack at an address.
func (br *Browser) known(url string) (content.Page, bool) {
	for _, p := range br.pr.Pages {
		if sameURL(url, p.URL) {
			return p, true
		}
	}
	if br.pr.URL != "" && sameURL(url, br.pr.URL) {
		return content.Page{URL: br.pr.URL, Title: br.pr.URL, Links: br.pr.Links}, true
	}
	return content.Page{}, false
}

// navigate opens url in the current tab and decides what it means for
// the task; ad says the learner clicked an advertisement.
func (br *Browser) navigate(url string, ad bool) {
	tab := br.Tabs[br.current]
	tab.history = append(tab.history, url)
	br.record(Action{Kind: "open", Target: url})
	br.render(url)
	switch br.task {
	case content.TaskReach:
		switch {
		case ad:
			br.finish(false, map[string]float64{"ads_clicked": 1})
		case sameURL(url, br.pr.Goal):
			br.finish(true, nil)
		case strings.HasPrefix(url, searchPrefix):
		default:
			if _, ok := br.known(url); !ok {
				br.finish(false, nil)
			}
		}
	}
}

func (br *Browser) goBack() {
	if br.ended {
		return
	}
	tab := br.Tabs[br.current]
	if len(tab.history) < 2 {
		return
	}
	br.record(Action{Kind: "back"})
	tab.history = tab.history[:len(tab.history)-1]
	br.render(tab.history[len(tab.history)-1])
}

// render draws the page at url in the page area.
func (br *Browser) render(url string) {
	tab := br.Tabs[br.current]
	var objs []fyne.CanvasObject // set at once: Add lays out at every call
	br.Links, br.Ads = nil, nil
	addLink := func(l content.Link, prefix fyne.CanvasObject) {
		btn := widget.NewButton("", func() { br.follow(l) })
		btn.Alignment = widget.ButtonAlignLeading
		btn.Importance = widget.LowImportance
		br.Links = append(br.Links, btn)
		br.Ads = append(br.Ads, l.Ad)
		title := text(l.Text, 20, linkBlue, false)
		addr := text(l.URL, 14, textGrey, false)
		face := container.NewVBox(container.NewHBox(title), addr)
		if prefix != nil {
			face = container.NewVBox(prefix, container.NewHBox(title), addr)
		}
		objs = append(objs, container.NewStack(btn, container.NewPadded(face)))
	}
	switch {
	case url == "":
		br.AddressBar.SetText("")
		tab.title = br.t("sandbox.browser.new_tab")
		objs = append(objs, container.NewCenter(text(br.t("sandbox.browser.engine"), 40, winBlue, true)))
		objs = append(objs, container.NewCenter(widget.NewLabel(br.t("sandbox.browser.blank"))))
	case strings.HasPrefix(url, searchPrefix):
		words := strings.TrimPrefix(url, searchPrefix)
		br.AddressBar.SetText(words)
		tab.title = words
		objs = append(objs, text(br.t("sandbox.browser.results", "words", words), 22, black, true))
		results := br.pr.Search
		if len(results) == 0 {
			results = br.pr.Links
		}
		// Ads come first, as search engines show them.
		for _, ad := range []bool{true, false} {
			for _, l := range results {
				if l.Ad == ad {
					var label fyne.CanvasObject
					if ad {
						label = text(br.t("sandbox.browser.sponsored"), 15, black, true)
					}
					addLink(l, label)
				}
			}
		}
	default:
		br.AddressBar.SetText(url)
		p, ok := br.known(url)
		if !ok && len(tab.history) == 1 && tab.fixed != "" {
			// A tab the pack opens on a site it does not describe.
			p, ok = content.Page{URL: url, Title: tab.fixed, Text: br.t("sandbox.browser.page_text")}, true
		}
		if !ok {
			tab.title = url
			objs = append(objs, text(br.t("sandbox.browser.not_found"), 26, black, true))
			objs = append(objs, widget.NewLabel(br.t("sandbox.browser.not_found_text", "url", url)))
			if sameURL(url, br.pr.Goal) {
				objs = []fyne.CanvasObject{text(url, 30, franceBlue, true)}
			}
			break
		}
		tab.title = p.Title
		if len(tab.history) == 1 && tab.fixed != "" {
			tab.title = tab.fixed
		}
		if p.Official {
			stripe := container.NewHBox(canvas.NewRectangle(franceBlue), canvas.NewRectangle(white), canvas.NewRectangle(errorRed))
			for _, o := range stripe.Objects {
				o.(*canvas.Rectangle).SetMinSize(fyne.NewSize(12, 40))
			}
			objs = append(objs, container.NewHBox(stripe, container.NewVBox(text(br.t("sandbox.browser.republic"), 16, black, true), text(br.t("sandbox.browser.motto"), 12, black, false))))
		}
		objs = append(objs, text(p.Title, 28, black, true))
		if p.Text != "" {
			l := widget.NewLabel(p.Text)
			l.Wrapping = fyne.TextWrapWord
			objs = append(objs, l)
		}
		for _, l := range p.Links {
			var label fyne.CanvasObject
			if l.Ad {
				label = text(br.t("sandbox.browser.sponsored"), 15, black, true)
			}
			addLink(l, label)
		}
	}
	tab.Button.SetText(short(tab.title, tabChars))
	br.page.Objects = objs
	br.page.Refresh()
	br.scroll.ScrollToTop()
}

func (br *Browser) follow(l content.Link) {
	if br.ended {
		return
	}
	kind := "link"
	if l.Ad {
		kind = "ad"
	}
	br.record(Action{Kind: "click", Target: kind, Value: l.URL})
	if br.task == content.TaskSpotAd {
		br.finish(l.Ad, nil)
		return
	}
	br.navigate(l.URL, l.Ad)
}

// View returns the browser.
func (br *Browser) View() fyne.CanvasObject { return br.view }

// ShowHint shows and says the hint.
func (br *Browser) ShowHint() { br.hint() }

// ShowSolution shows and says the solution, and marks what to use.
func (br *Browser) ShowSolution() {
	br.solution()
	switch br.task {
	case content.TaskCloseTab:
		for _, t := range br.Tabs {
			if t.title == br.pr.Goal {
				t.Close.Importance = widget.WarningImportance
				t.Close.Refresh()
			}
		}
	default:
		for i, l := range br.Links {
			if (br.task == content.TaskSpotAd && br.Ads[i]) || (br.task == content.TaskReach && !br.Ads[i]) {
				l.Importance = widget.WarningImportance
				l.Refresh()
			}
		}
	}
}

// Reset opens the starting tabs again.
func (br *Browser) Reset() {
	br.restart()
	br.Tabs = nil
	br.strip.RemoveAll()
	tabs := br.pr.Tabs
	if len(tabs) == 0 {
		title := br.t("sandbox.browser.new_tab")
		if p, ok := br.known(br.pr.URL); ok {
			title = p.Title
		}
		tabs = []content.Tab{{Title: title, URL: br.pr.URL}}
	}
	for _, t := range tabs {
		br.addTab(t.Title, t.URL)
	}
	br.selectTab(0)
}
