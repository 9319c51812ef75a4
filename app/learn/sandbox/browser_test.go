package sandbox_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	"github.com/tremplin-numerique/tremplin/content"
)

// linkItem is in-lien-4 of the default pack.
func linkItem() *content.Item {
	return &content.Item{ID: "browser-link", Kind: content.KindSandboxBrowser, Prompt: "Ouvrez la page des horaires de la mairie.",
		Practice: &content.Practice{URL: "mairie-saint-jean.fr", Goal: "mairie-saint-jean.fr/horaires", Links: []content.Link{
			{Text: "Les horaires de la mairie", URL: "mairie-saint-jean.fr/horaires"},
			{Text: "Les actualités", URL: "mairie-saint-jean.fr/actualites"},
			{Text: "Gagnez un téléphone", URL: "super-cadeaux.info", Ad: true},
		}}}
}

// searchItem asks to reach the CAF's site through a search with ads.
func searchItem(task string) *content.Item {
	pr := &content.Practice{Goal: "caf.fr"}
	pr.Search = []content.Link{
		{Text: "Aide CAF en 5 minutes – dossier express", URL: "aides-express.com", Ad: true},
		{Text: "caf.fr – Caisse d'allocations familiales", URL: "caf.fr"},
		{Text: "Mes droits – service-public.gouv.fr", URL: "service-public.gouv.fr"},
	}
	pr.Pages = []content.Page{{URL: "caf.fr", Title: "Caf.fr", Text: "Bienvenue sur le site des allocations familiales.", Official: true}}
	pr.Task = task
	return &content.Item{ID: "browser-" + task, Kind: content.KindSandboxBrowser, Prompt: "Allez sur le site de la CAF.", Practice: pr}
}

func tabsItem() *content.Item {
	pr := &content.Practice{Goal: "Gagnez un iPhone"}
	pr.Task = content.TaskCloseTab
	pr.Tabs = []content.Tab{{Title: "Service Public", URL: "service-public.gouv.fr"}, {Title: "Gagnez un iPhone", URL: "cadeau-gratuit.info"}, {Title: "Météo", URL: "meteo.fr"}}
	return &content.Item{ID: "browser-tabs", Kind: content.KindSandboxBrowser, Prompt: "Fermez l'onglet de la publicité.", Practice: pr}
}

func enter(e fyne.Focusable) { e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

func TestBrowserLink(t *testing.T) {
	r := newRig(t, linkItem())
	b := r.s.(*sandbox.Browser)
	if b.AddressBar.Text != "mairie-saint-jean.fr" || len(b.Links) != 3 {
		t.Fatalf("start page %q with %d links", b.AddressBar.Text, len(b.Links))
	}
	test.Tap(b.Links[0])
	if !r.result().Success || b.AddressBar.Text != "mairie-saint-jean.fr/horaires" {
		t.Errorf("result %+v at %q", r.results, b.AddressBar.Text)
	}
	// The ad is a miss, and so is another page.
	for _, i := range []int{1, 2} {
		r := newRig(t, linkItem())
		b := r.s.(*sandbox.Browser)
		test.Tap(b.Links[i])
		if r.result().Success {
			t.Errorf("link %d counted", i)
		}
	}
}

func TestBrowserTypeAddress(t *testing.T) {
	it := &content.Item{ID: "adresse", Kind: content.KindSandboxBrowser, Prompt: "Allez sur francetravail.fr",
		Practice: &content.Practice{Goal: "francetravail.fr"}}
	r := newRig(t, it)
	b := r.s.(*sandbox.Browser)
	test.Type(b.AddressBar, "francetravial.fr")
	enter(b.AddressBar)
	if r.result().Success {
		t.Fatal("a typo in the address reached the site")
	}
	r.s.Reset()
	r.results = nil
	b.AddressBar.SetText("")
	test.Type(b.AddressBar, "HTTPS://www.FranceTravail.fr/")
	enter(b.AddressBar)
	if !r.result().Success {
		t.Errorf("lenient address refused: %+v", r.results)
	}
	if got := r.kinds(); got[len(got)-2] != "type:address_bar" || got[len(got)-1] != "open:HTTPS://www.FranceTravail.fr/" {
		t.Errorf("actions %v", got)
	}
}

func TestBrowserSearchAvoidsTheAd(t *testing.T) {
	r := newRig(t, searchItem(content.TaskReach))
	b := r.s.(*sandbox.Browser)
	test.Type(b.AddressBar, "caf allocations")
	enter(b.AddressBar)
	if len(r.results) != 0 || len(b.Links) != 3 || !b.Ads[0] {
		t.Fatalf("search page: %d links, ads %v, results %+v", len(b.Links), b.Ads, r.results)
	}
	b.AddressBar.SetText("")
	test.Type(b.AddressBar, "allocations familiales")
	enter(b.AddressBar)
	test.Tap(b.Back)
	if b.AddressBar.Text != "caf allocations" {
		t.Errorf("back to %q", b.AddressBar.Text)
	}
	test.Tap(b.Links[1])
	if !r.result().Success {
		t.Error("the real CAF result fails")
	}
	r = newRig(t, searchItem(content.TaskReach))
	b = r.s.(*sandbox.Browser)
	test.Type(b.AddressBar, "caf")
	enter(b.AddressBar)
	test.Tap(b.Links[0])
	if res := r.result(); res.Success || res.Measures["ads_clicked"] != 1 {
		t.Errorf("the ad: %+v", res)
	}
}

func TestBrowserSpotAd(t *testing.T) {
	r := newRig(t, searchItem(content.TaskSpotAd))
	b := r.s.(*sandbox.Browser)
	test.Type(b.AddressBar, "caf")
	enter(b.AddressBar)
	test.Tap(b.Links[0])
	if !r.result().Success {
		t.Error("spotting the ad fails")
	}
	r = newRig(t, searchItem(content.TaskSpotAd))
	b = r.s.(*sandbox.Browser)
	test.Type(b.AddressBar, "caf")
	enter(b.AddressBar)
	test.Tap(b.Links[2])
	if r.result().Success {
		t.Error("a real result counted as the ad")
	}
}

func TestBrowserCloseTab(t *testing.T) {
	r := newRig(t, tabsItem())
	b := r.s.(*sandbox.Browser)
	if len(b.Tabs) != 3 {
		t.Fatalf("%d tabs", len(b.Tabs))
	}
	test.Tap(b.Tabs[1].Button)
	test.Tap(b.Tabs[1].Close)
	if !r.result().Success || len(b.Tabs) != 2 {
		t.Errorf("closing the ad's tab: %+v, %d tabs left", r.results, len(b.Tabs))
	}
	r.s.Reset()
	r.results = nil
	if len(b.Tabs) != 3 {
		t.Fatalf("Réessayer leaves %d tabs", len(b.Tabs))
	}
	test.Tap(b.Tabs[2].Close)
	if r.result().Success {
		t.Error("closing the weather counted")
	}
}

func TestBrowserTabsFit(t *testing.T) {
	r := newRig(t, tabsItem())
	b := r.s.(*sandbox.Browser)
	for i := 0; i < 5; i++ {
		test.Tap(b.NewTab)
	}
	if len(b.Tabs) != sandbox.MaxTabs {
		t.Errorf("%d tabs, want at most %d", len(b.Tabs), sandbox.MaxTabs)
	}
	if w := r.w.Canvas().Size().Width; w > 1024 {
		t.Errorf("%d tabs widen the window to %v", len(b.Tabs), w)
	}
}
