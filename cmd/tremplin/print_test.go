package main

import "testing"

func TestDefaultPrinter(t *testing.T) {
	for out, want := range map[string]string{
		"system default destination: Brother_HL\n":                   "Brother_HL",
		"destination système par défaut : HP-Accueil\nautre ligne\n": "HP-Accueil",
		"": "",
	} {
		if got := defaultPrinter(out); got != want {
			t.Errorf("defaultPrinter(%q) = %q, want %q", out, got, want)
		}
	}
}
