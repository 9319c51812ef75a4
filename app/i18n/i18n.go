// Package i18n holds the kiosk's translation catalogue: every text a visitor
// or a mediator sees comes from it, in French by default or in English.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strings"
	"sync"
)

// Default is the language used when none is chosen.
const Default = "fr"

// Catalogue maps message keys to text in each language, and remembers the
// current language. Its methods are safe for concurrent use.
type Catalogue struct {
	mu       sync.RWMutex
	lang     string
	messages map[string]map[string]string
}

// Load reads the JSON catalogues of fsys: LANG.json (fr.json, en.json) and
// any number of AREA.LANG.json (learn.fr.json, mediator.en.json…), merged
// into LANG. Each part of the kiosk keeps its texts in its own file; a key
// defined twice for one language is an error.
func Load(fsys fs.FS) (*Catalogue, error) {
	files, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("list catalogues: %w", err)
	}
	c := &Catalogue{lang: Default, messages: map[string]map[string]string{}}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("read catalogue %s: %w", f, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("read catalogue %s: %w", f, err)
		}
		lang := FileLanguage(f)
		all := c.messages[lang]
		if all == nil {
			all = map[string]string{}
			c.messages[lang] = all
		}
		for k, v := range m {
			if _, dup := all[k]; dup {
				return nil, fmt.Errorf("read catalogue %s: key %q is defined twice for %s", f, k, lang)
			}
			all[k] = v
		}
	}
	if _, ok := c.messages[Default]; !ok {
		return nil, fmt.Errorf("no %s catalogue", Default)
	}
	return c, nil
}

// FileLanguage returns the language of a catalogue file: "fr" for fr.json
// and for learn.fr.json.
func FileLanguage(name string) string {
	name = strings.TrimSuffix(name, ".json")
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// Languages returns the languages the catalogue holds, sorted.
func (c *Catalogue) Languages() []string {
	out := make([]string, 0, len(c.messages))
	for l := range c.messages {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// SetLanguage switches the current language; it reports whether the
// catalogue has that language.
func (c *Catalogue) SetLanguage(lang string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.messages[lang]; !ok {
		return false
	}
	c.lang = lang
	return true
}

// Language returns the current language.
func (c *Catalogue) Language() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.lang
}

// T returns the text of key in the current language, with each {name}
// replaced by the value that follows name in args (name, value, name, value…).
// A key missing from the current language falls back to French, then to the
// key itself, so a gap never blanks a screen.
func (c *Catalogue) T(key string, args ...string) string {
	c.mu.RLock()
	msg, ok := c.messages[c.lang][key]
	if !ok {
		msg, ok = c.messages[Default][key]
	}
	c.mu.RUnlock()
	if !ok {
		slog.Warn("missing translation", "key", key)
		msg = key
	}
	for i := 0; i+1 < len(args); i += 2 {
		msg = strings.ReplaceAll(msg, "{"+args[i]+"}", args[i+1])
	}
	return msg
}

// Keys returns every key of the language, sorted.
func (c *Catalogue) Keys(lang string) []string {
	out := make([]string, 0, len(c.messages[lang]))
	for k := range c.messages[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
