package device_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/app/device"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

func TestParseAndCheck(t *testing.T) {
	for in, want := range map[string]int{"": -1, "0": 0, "80": 80, " 100 ": 100, "40 %": 40} {
		if n, err := device.ParseVolume(in); err != nil || n != want {
			t.Errorf("ParseVolume(%q) = %d, %v", in, n, err)
		}
	}
	for _, in := range []string{"fort", "101", "-1", "50.5"} {
		if _, err := device.ParseVolume(in); !errors.Is(err, device.ErrVolume) {
			t.Errorf("ParseVolume(%q): %v", in, err)
		}
	}
	for in, want := range map[string]time.Duration{"": 0, "1": time.Minute, "30": 30 * time.Minute} {
		if d, err := device.ParseIdle(in); err != nil || d != want {
			t.Errorf("ParseIdle(%q) = %v, %v", in, d, err)
		}
	}
	for _, in := range []string{"0", "31", "3 min", "-2"} {
		if _, err := device.ParseIdle(in); !errors.Is(err, device.ErrIdle) {
			t.Errorf("ParseIdle(%q): %v", in, err)
		}
	}
	if s, err := device.CheckSite("  Médiathèque de Saint-Léon "); err != nil || s != "Médiathèque de Saint-Léon" {
		t.Errorf("CheckSite: %q %v", s, err)
	}
	for _, in := range []string{strings.Repeat("é", device.MaxSite+1), "a\nb", "tab\there"} {
		if _, err := device.CheckSite(in); !errors.Is(err, device.ErrSite) {
			t.Errorf("CheckSite(%q): %v", in, err)
		}
	}
	if p, err := device.CheckPrinter(" Brother_HL-L2350DW "); err != nil || p != "Brother_HL-L2350DW" {
		t.Errorf("CheckPrinter: %q %v", p, err)
	}
	for _, in := range []string{"Mon imprimante", "a/b", "x#1", `a\b`, strings.Repeat("p", 128)} {
		if _, err := device.CheckPrinter(in); !errors.Is(err, device.ErrPrinter) {
			t.Errorf("CheckPrinter(%q): %v", in, err)
		}
	}
	if device.CheckLanguage("de") == nil || device.CheckLanguage("en") != nil || device.CheckLanguage("") != nil {
		t.Error("CheckLanguage")
	}
}

// TestSaveLoad: settings saved come back; cleared ones read as defaults; a
// value edited by hand into something invalid reads as the default.
func TestSaveLoad(t *testing.T) {
	ctx := context.Background()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if st, err := device.Load(ctx, j); err != nil || st != (device.Settings{Volume: -1}) {
		t.Fatalf("empty: %+v %v", st, err)
	}
	want := device.Settings{Site: "Tiers-lieu", Language: "en", Volume: 40, Idle: 5 * time.Minute, Printer: "HL"}
	if err := device.Save(ctx, j, want); err != nil {
		t.Fatal(err)
	}
	if st, err := device.Load(ctx, j); err != nil || st != want {
		t.Fatalf("loaded %+v %v, want %+v", st, err, want)
	}
	if got := device.Changed(want, device.Settings{Site: "Tiers-lieu", Volume: 40, Idle: 5 * time.Minute}); !slices.Equal(got, []string{device.LanguageKey, device.PrinterKey}) {
		t.Errorf("changed %v", got)
	}
	if err := j.SetState(ctx, device.VolumeKey, "très fort", device.IdleKey, "999"); err != nil {
		t.Fatal(err)
	}
	if st, _ := device.Load(ctx, j); st.Volume != -1 || st.Idle != 0 || st.Site != "Tiers-lieu" {
		t.Errorf("invalid values read as %+v", st)
	}
}
