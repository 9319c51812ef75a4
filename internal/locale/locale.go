// Package locale, imported for its side effect before Fyne, keeps Fyne from
// logging "Error parsing user locale C" at every start on systems whose
// locale is C.UTF-8 (Debian's default in containers and CI, and many
// minimal installs).
//
// Fyne reads the locale from LC_ALL, LC_MESSAGES or LANG during its own
// package initialisation; a plain "C" is understood as "no preference",
// but "C.UTF-8" is passed on as a language tag "C" that does not parse.
// For such a locale this package sets LANGUAGE (read only by message
// catalogues, never by setlocale, so keyboard input is unchanged) to "en",
// which is what Fyne falls back to anyway. The kiosk's own texts do not
// depend on it: they come from its catalogue and --lang.
//
// Go initialises packages in import-path order once their imports are
// ready (spec, Go 1.21+); this package imports only os and strings, so it
// runs before Fyne's lang package, which waits for golang.org/x/text.
package locale

import (
	"os"
	"strings"
)

func init() { fix(os.Getenv, os.Setenv) }

// fix sets LANGUAGE to "en" when the first locale variable set is a C or
// POSIX locale with a codeset ("C.UTF-8") and LANGUAGE is unset.
func fix(getenv func(string) string, setenv func(string, string) error) {
	if getenv("LANGUAGE") != "" {
		return
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(k)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			_ = setenv("LANGUAGE", "en")
		}
		return
	}
}
