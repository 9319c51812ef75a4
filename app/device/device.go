// Package device holds the kiosk's device settings a mediator changes in
// the mediator area: the site's name shown on sheets, the default language
// and volume every new visit starts with, how long the kiosk waits for an
// idle visitor, and the printer sheets go to. They live in the journal's
// device state (never synced: each device has its own), one key each; an
// empty value means "the kiosk's default".
//
// Parse and Check say what is wrong with a mediator's input as typed
// errors, so the screen says it in plain words and keeps what was typed.
// Package device imports no Fyne.
package device

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Device state keys.
const (
	SiteKey     = "kiosk.site_name"
	LanguageKey = "kiosk.language"
	VolumeKey   = "kiosk.volume"
	IdleKey     = "kiosk.idle_minutes"
	PrinterKey  = "kiosk.printer"
	CodesKey    = "kiosk.codes"
)

// Keys lists every setting's key, in the screen's order.
var Keys = []string{SiteKey, LanguageKey, VolumeKey, IdleKey, PrinterKey, CodesKey}

// codesOff is CodesKey's value when visitors are not offered codes.
const codesOff = "off"

// Bounds of what a mediator may set.
const (
	MaxSite    = 80
	MinIdle    = 1
	MaxIdle    = 30
	MaxPrinter = 127
)

// Languages are the interface languages a device may default to.
var Languages = []string{"fr", "en"}

// Store is the journal's device state.
type Store interface {
	State(ctx context.Context, key string) (string, error)
	SetState(ctx context.Context, kv ...string) error
}

// Settings are a device's settings; zero values mean "the default".
type Settings struct {
	// Site names the tiers-lieu on sheets ("": the server's site name).
	Site string
	// Language is the default language of new visits ("": the kiosk's).
	Language string
	// Volume is the default volume of new visits in percent; -1 is the
	// kiosk's default.
	Volume int
	// Idle is how long the kiosk waits before asking an idle visitor
	// whether they are still there (0: the kiosk's default).
	Idle time.Duration
	// Printer is the CUPS printer sheets go to ("": the default one).
	Printer string
	// NoCodes keeps visitors from being offered a picture code to come
	// back with (a lent laptop passed from hand to hand, a site that
	// keeps nothing); codes already given still open their learners.
	NoCodes bool
}

// Bad input, each with its own message on the screen.
var (
	ErrSite     = errors.New("site name: too long or holds control characters")
	ErrLanguage = errors.New("language: not one the kiosk speaks")
	ErrVolume   = errors.New("volume: not a whole number from 0 to 100")
	ErrIdle     = errors.New("idle time: not a whole number of minutes from 1 to 30")
	ErrPrinter  = errors.New("printer name: not a CUPS printer name")
)

// Load reads the device's settings; a value the journal holds but that is
// no longer valid (edited by hand) reads as the default.
func Load(ctx context.Context, s Store) (Settings, error) {
	out := Settings{Volume: -1}
	get := func(key string) (string, error) {
		v, err := s.State(ctx, key)
		if err != nil {
			return "", fmt.Errorf("read device setting %s: %w", key, err)
		}
		return v, nil
	}
	var err error
	var v string
	if v, err = get(SiteKey); err != nil {
		return out, err
	}
	if site, err := CheckSite(v); err == nil {
		out.Site = site
	}
	if v, err = get(LanguageKey); err != nil {
		return out, err
	}
	if CheckLanguage(v) == nil {
		out.Language = v
	}
	if v, err = get(VolumeKey); err != nil {
		return out, err
	}
	if n, err := ParseVolume(v); err == nil && v != "" {
		out.Volume = n
	}
	if v, err = get(IdleKey); err != nil {
		return out, err
	}
	if d, err := ParseIdle(v); err == nil {
		out.Idle = d
	}
	if v, err = get(PrinterKey); err != nil {
		return out, err
	}
	if p, err := CheckPrinter(v); err == nil {
		out.Printer = p
	}
	if v, err = get(CodesKey); err != nil {
		return out, err
	}
	out.NoCodes = v == codesOff
	return out, nil
}

// Save writes every setting in one go (a crash leaves the old ones or the
// new ones).
func Save(ctx context.Context, s Store, st Settings) error {
	vol := ""
	if st.Volume >= 0 {
		vol = strconv.Itoa(st.Volume)
	}
	idle := ""
	if st.Idle > 0 {
		idle = strconv.Itoa(int(st.Idle / time.Minute))
	}
	codes := ""
	if st.NoCodes {
		codes = codesOff
	}
	if err := s.SetState(ctx, SiteKey, st.Site, LanguageKey, st.Language, VolumeKey, vol, IdleKey, idle, PrinterKey, st.Printer, CodesKey, codes); err != nil {
		return fmt.Errorf("save device settings: %w", err)
	}
	return nil
}

// Changed returns the keys of the settings that differ between a and b.
func Changed(a, b Settings) []string {
	var out []string
	for _, c := range []struct {
		key  string
		diff bool
	}{{SiteKey, a.Site != b.Site}, {LanguageKey, a.Language != b.Language}, {VolumeKey, a.Volume != b.Volume},
		{IdleKey, a.Idle != b.Idle}, {PrinterKey, a.Printer != b.Printer}, {CodesKey, a.NoCodes != b.NoCodes}} {
		if c.diff {
			out = append(out, c.key)
		}
	}
	return out
}

// CheckSite trims a site name and checks it ("" is the default).
func CheckSite(s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxSite || strings.IndexFunc(s, unicode.IsControl) >= 0 || !utf8.ValidString(s) {
		return "", ErrSite
	}
	return s, nil
}

// CheckLanguage checks a language code ("" is the default).
func CheckLanguage(s string) error {
	if s == "" {
		return nil
	}
	for _, l := range Languages {
		if s == l {
			return nil
		}
	}
	return ErrLanguage
}

// ParseVolume reads a volume in percent ("" is the default, -1); "80 %"
// is read as 80.
func ParseVolume(s string) (int, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 100 {
		return 0, ErrVolume
	}
	return n, nil
}

// ParseIdle reads an idle time in minutes ("" is the default, 0).
func ParseIdle(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < MinIdle || n > MaxIdle {
		return 0, ErrIdle
	}
	return time.Duration(n) * time.Minute, nil
}

// CheckPrinter trims and checks a CUPS printer name ("" is the default
// printer): printable characters, no space, "/", "#" or "\", at most 127
// bytes, as CUPS accepts.
func CheckPrinter(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > MaxPrinter || strings.ContainsAny(s, " /#\\\t") || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return "", ErrPrinter
	}
	return s, nil
}
