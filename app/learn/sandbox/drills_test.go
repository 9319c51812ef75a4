package sandbox_test

import (
	"time"

	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	"github.com/tremplin-numerique/tremplin/content"
)

func clickItem() *content.Item {
	return &content.Item{ID: "click", Kind: content.KindGestureClick, Prompt: "Cliquez 3 fois sur le rond.",
		Hint: "Bougez d'abord la souris.", Zones: []content.Zone{{X: 0.35, Y: 0.3, W: 0.3, H: 0.3}},
		Practice: &content.Practice{Count: 3}}
}

func TestClickDrillShrinksAndMeasures(t *testing.T) {
	r := newRig(t, clickItem())
	d := r.s.(*sandbox.ClickDrill)
	if got := d.Target.Size().Width; got != 160 {
		t.Fatalf("first target is %v wide, want 160", got)
	}
	var sizes []float32
	for i := 0; i < 3; i++ {
		sizes = append(sizes, d.Target.Size().Width)
		c := d.Target.Position().AddXY(d.Target.Size().Width/2+6, d.Target.Size().Height/2+8) // 10 px off centre
		test.TapAt(d.Pad, c)
	}
	if sizes[0] != 160 || sizes[1] != 120 || sizes[2] != 90 {
		t.Errorf("target sizes %v, want 160, 120, 90", sizes)
	}
	res := r.result()
	if !res.Success || res.Measures["click_error_px"] != 10 || res.Measures["target_px"] != 90 || res.Measures["hits"] != 3 {
		t.Errorf("result %+v", res)
	}
	if len(r.actions) != 3 || r.actions[0].Kind != "click" || r.actions[0].Target != "target" {
		t.Errorf("actions %+v", r.actions)
	}
	// A new attempt keeps the smaller target.
	r.s.Reset()
	if got := d.Target.Size().Width; got != 67.5 {
		t.Errorf("after a success the target is %v, want 67.5", got)
	}
}

func TestClickDrillFailsAfterMisses(t *testing.T) {
	r := newRig(t, clickItem())
	d := r.s.(*sandbox.ClickDrill)
	test.TapAt(d.Pad, d.Target.Position().AddXY(d.Target.Size().Width/2, d.Target.Size().Height/2))
	for i := 0; i < 3; i++ {
		test.TapAt(d.Pad, fyne.NewPos(5, 5))
	}
	res := r.result()
	if res.Success || res.Measures["misses"] != 3 || res.Measures["hits"] != 1 || res.Measures["click_error_px"] != 0 {
		t.Errorf("result %+v", res)
	}
	if len(r.said) != 2 {
		t.Errorf("said %q, want 2 encouragements", r.said)
	}
	// Misses make the target grow back, never above its start.
	if got := d.TargetSize(); got != 160 {
		t.Errorf("target %v after misses, want 160", got)
	}
	r.s.ShowHint()
	if !d.Banner.Visible() || d.BannerText.Text != "Bougez d'abord la souris." || r.said[len(r.said)-1] != d.BannerText.Text {
		t.Errorf("hint not shown and said: %q", d.BannerText.Text)
	}
	r.s.Reset()
	if d.Banner.Visible() {
		t.Error("the banner stays after Réessayer")
	}
}

func TestNewRefusesQuestionKinds(t *testing.T) {
	if _, err := sandbox.New(&content.Item{ID: "q", Kind: content.KindSingle}, sandbox.Env{}, nil); err == nil {
		t.Error("a single choice item made a sandbox")
	}
}

func dblItem() *content.Item {
	return &content.Item{ID: "dbl", Kind: content.KindGestureDoubleClick, Prompt: "Ouvrez le dossier.",
		Zones: []content.Zone{{X: 0.04, Y: 0.08, W: 0.12, H: 0.14}}}
}

func TestDoubleClickDrill(t *testing.T) {
	r := newRig(t, dblItem())
	d := r.s.(*sandbox.DoubleClickDrill)
	if d.Folder.Size().Width < 48 {
		t.Fatalf("folder %v", d.Folder.Size())
	}
	c := d.Folder.Position().AddXY(d.Folder.Size().Width/2, d.Folder.Size().Height/2)
	test.TapAt(d.Pad, c)
	r.wait(320 * time.Millisecond)
	test.TapAt(d.Pad, c.AddXY(3, 4))
	res := r.result()
	if !res.Success || res.Measures["double_click_ms"] != 320 || res.Measures["double_click_px"] != 5 || res.Measures["target_px"] != 160 {
		t.Errorf("result %+v", res)
	}
	if !d.Opened.Visible() || r.actions[1].Kind != "double_click" {
		t.Errorf("folder not opened, actions %+v", r.actions)
	}
}

func TestDoubleClickDrillTooSlow(t *testing.T) {
	r := newRig(t, dblItem())
	d := r.s.(*sandbox.DoubleClickDrill)
	c := d.Folder.Position().AddXY(d.Folder.Size().Width/2, d.Folder.Size().Height/2)
	test.TapAt(d.Pad, c)
	for i := 0; i < 3; i++ {
		r.wait(900 * time.Millisecond)
		test.TapAt(d.Pad, c)
	}
	res := r.result()
	if res.Success || res.Measures["double_click_ms"] != 900 || res.Measures["misses"] != 3 {
		t.Errorf("result %+v", res)
	}
	if d.Opened.Visible() {
		t.Error("slow clicks opened the folder")
	}
	// Slower clicks allowed by the pack: 900 ms is a double-click.
	it := dblItem()
	it.Practice = &content.Practice{}
	it.Practice.Interval = 1000
	r2 := newRig(t, it)
	d2 := r2.s.(*sandbox.DoubleClickDrill)
	test.TapAt(d2.Pad, c)
	r2.wait(900 * time.Millisecond)
	test.TapAt(d2.Pad, c)
	if !r2.result().Success {
		t.Error("a 900 ms double-click fails with interval 1000")
	}
}

func dragItem() *content.Item {
	return &content.Item{ID: "drag", Kind: content.KindGestureDrag, Prompt: "Glissez.",
		Zones: []content.Zone{{X: 0.05, Y: 0.45, W: 0.1, H: 0.16}, {X: 0.6, Y: 0.25, W: 0.12, H: 0.16}}}
}

func TestDragDrill(t *testing.T) {
	r := newRig(t, dragItem())
	d := r.s.(*sandbox.DragDrill)
	from, to := r.mid(d.Doc), r.mid(d.Bin)
	test.Drag(r.w.Canvas(), from, to.X-from.X+5, to.Y-from.Y)
	res := r.result()
	if !res.Success || res.Measures["drag_success"] != 1 || res.Measures["drag_error_px"] != 5 {
		t.Errorf("result %+v", res)
	}
	if d.Doc.Visible() || len(r.actions) != 1 || r.actions[0].Target != "bin" {
		t.Errorf("document still shown or actions %+v", r.actions)
	}
	r.s.Reset()
	if d.Bin.Size().Width != 120 {
		t.Errorf("bin %v after a success, want 120", d.Bin.Size())
	}
}

func TestDragDrillDropsShort(t *testing.T) {
	r := newRig(t, dragItem())
	d := r.s.(*sandbox.DragDrill)
	for i := 0; i < 3; i++ {
		from := r.mid(d.Doc)
		test.Drag(r.w.Canvas(), from, 100, 0)
	}
	res := r.result()
	if res.Success || res.Measures["drag_success"] != 0 || res.Measures["misses"] != 3 || res.Measures["drag_error_px"] < 100 {
		t.Errorf("result %+v", res)
	}
}

func scrollItem() *content.Item {
	return &content.Item{ID: "scroll", Kind: content.KindGestureScroll, Prompt: "Descendez.",
		Practice: &content.Practice{Goal: "Bouton vert", Count: 3}}
}

func TestScrollDrill(t *testing.T) {
	r := newRig(t, scrollItem())
	d := r.s.(*sandbox.ScrollDrill)
	if d.Scroll.Content.MinSize().Height < 3*500 {
		t.Errorf("page is %v high for 3 screens", d.Scroll.Content.MinSize().Height)
	}
	mid := r.mid(d.Scroll)
	for i := 0; i < 40 && r.abs(d.Goal).Y+d.Goal.Size().Height > r.abs(d.Scroll).Y+d.Scroll.Size().Height; i++ {
		test.Scroll(r.w.Canvas(), mid, 0, -100)
	}
	test.Tap(d.Goal)
	res := r.result()
	if !res.Success || res.Measures["screens"] < 2 || res.Measures["scroll_px"] < 1000 {
		t.Errorf("result %+v", res)
	}
	var scrolls int
	for _, a := range r.actions {
		if a.Kind == "scroll" {
			scrolls++
		}
	}
	if scrolls < 2 {
		t.Errorf("actions %v", r.kinds())
	}
}

func TestScrollDrillDecoys(t *testing.T) {
	r := newRig(t, scrollItem())
	d := r.s.(*sandbox.ScrollDrill)
	for i := 0; i < 3; i++ {
		test.Tap(d.Decoys[0])
	}
	if res := r.result(); res.Success || res.Measures["misses"] != 3 {
		t.Errorf("result %+v", res)
	}
}

func typeItem() *content.Item {
	return &content.Item{ID: "type", Kind: content.KindGestureType, Prompt: "Écrivez Angoulême.",
		Format: "exact", Accept: []string{"Angoulême", "Angouleme"}}
}

func TestTypeDrill(t *testing.T) {
	r := newRig(t, typeItem())
	d := r.s.(*sandbox.TypeDrill)
	test.Tap(d.Validate)
	if len(r.results) != 0 || len(r.said) != 1 {
		t.Fatalf("an empty entry ended the attempt: %+v %q", r.results, r.said)
	}
	test.Type(d.Entry, "Angoulem")
	r.wait(4 * time.Second)
	test.Type(d.Entry, "e")
	test.Tap(d.Validate)
	res := r.result()
	if !res.Success || res.Measures["typed_chars"] != 9 || res.Measures["type_seconds"] != 4 || res.Measures["typos"] != 0 {
		t.Errorf("result %+v", res)
	}
	if r.actions[0] != (sandbox.Action{Kind: "type", Target: "entry", Value: "Angouleme"}) {
		t.Errorf("actions %+v", r.actions)
	}
}

func TestTypeDrillWantsTheCapital(t *testing.T) {
	r := newRig(t, typeItem())
	d := r.s.(*sandbox.TypeDrill)
	test.Type(d.Entry, "angoulême")
	test.Tap(d.Validate)
	if res := r.result(); res.Success || res.Measures["typos"] != 1 {
		t.Errorf("result %+v", res)
	}
	r.s.ShowSolution()
	if d.Status.Text != "Le modèle : Angoulême" {
		t.Errorf("solution %q", d.Status.Text)
	}
}

// TestClickDrillNeverBelowMinTarget plays a long drill: the target shrinks
// at each hit but never below MinTarget, and stays inside the pad.
func TestClickDrillNeverBelowMinTarget(t *testing.T) {
	it := clickItem()
	it.Practice.Count = 12
	r := newRig(t, it)
	d := r.s.(*sandbox.ClickDrill)
	for i := 0; i < 12; i++ {
		s, p := d.Target.Size(), d.Target.Position()
		if s.Width < sandbox.MinTarget {
			t.Fatalf("hit %d: target %v", i, s)
		}
		if p.X < 0 || p.Y < 0 || p.X+s.Width > d.Pad.Size().Width || p.Y+s.Height > d.Pad.Size().Height {
			t.Fatalf("hit %d: target at %v size %v outside the %v pad", i, p, s, d.Pad.Size())
		}
		test.TapAt(d.Pad, p.AddXY(s.Width/2, s.Height/2))
	}
	if res := r.result(); !res.Success || res.Measures["target_px"] != sandbox.MinTarget {
		t.Errorf("result %+v", res)
	}
}
