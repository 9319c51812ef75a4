// Command tremplin-content keeps a Tremplin content pack honest:
//
//	tremplin-content validate DIR [--clips error|warn|off] [--i18n FILE] [--lang fr|en]
//	tremplin-content stats DIR [--json] [--i18n FILE] [--lang fr|en]
//	tremplin-content voice DIR [--voice pico|mbrola|espeak] [--jobs N] [--quality Q] [--prune] [--i18n FILE] [--lang fr|en]
//	tremplin-content pictures SRC IMAGES [--fonts DIR]
//
// validate prints errors and warnings as file:line and exits 1 on errors.
// stats counts items per domain, level and kind, voice coverage and sizes.
// voice speaks every text that has no clip yet with the best installed
// offline engine and writes Ogg Vorbis clips into DIR/voice.
// pictures copies the SVG sources of SRC into IMAGES with every <text>
// turned into a path (the kiosk's SVG renderer draws no text).
//
// FILE (default DIR/../i18n/LANG.json) is the kiosk's catalogue: its values
// whose key starts with "say." are spoken too. A missing catalogue is skipped.
// LANG is fr (the default) or en; without --lang, an --i18n FILE named
// en.json means en. voice --lang en speaks the English catalogue with an
// English voice and no French lexicon, and leaves the (French) pack's texts
// alone. Clips used by the say.* phrases of any catalogue next to FILE are
// never orphans, so --prune keeps the other language's clips.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/tremplin-numerique/tremplin/content"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage:
  tremplin-content validate DIR [--clips error|warn|off] [--i18n FILE] [--lang fr|en]
  tremplin-content stats DIR [--json] [--i18n FILE] [--lang fr|en]
  tremplin-content voice DIR [--voice pico|mbrola|espeak] [--jobs N] [--quality Q] [--prune] [--i18n FILE] [--lang fr|en]
  tremplin-content pictures SRC IMAGES [--fonts DIR]
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "validate":
		return validate(args[1:], stdout, stderr)
	case "stats":
		err = stats(args[1:], stdout)
	case "voice":
		err = voice(args[1:], stderr)
	case "pictures":
		err = pictures(args[1:], stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "tremplin-content: unknown command %q\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "tremplin-content %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// parse reads flags placed before or after the DIR argument.
func parse(fs *flag.FlagSet, args []string) (string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 1 {
		return "", errors.New("give exactly 1 pack folder")
	}
	return pos[0], nil
}

// sayPhrases returns the values whose key starts with "say.", sorted by key,
// of file and of its language's other catalogues in the same folder
// (AREA.LANG.json beside LANG.json).
func sayPhrases(file string) ([]string, error) {
	files := []string{file}
	lang := strings.TrimSuffix(filepath.Base(file), ".json")
	if !strings.Contains(lang, ".") {
		more, _ := filepath.Glob(filepath.Join(filepath.Dir(file), "*."+lang+".json"))
		files = append(files, more...)
	}
	var out []string
	for _, f := range files {
		say, err := sayPhrasesOf(f)
		if err != nil {
			return nil, err
		}
		out = append(out, say...)
	}
	return out, nil
}

// sayPhrasesOf is sayPhrases for one file; nil when it does not exist.
func sayPhrasesOf(file string) ([]string, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var cat map[string]any
	if err := json.Unmarshal(b, &cat); err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	var keys []string
	for k, v := range cat {
		if _, ok := v.(string); ok && strings.HasPrefix(k, "say.") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, cat[k].(string))
	}
	return out, nil
}

// languages are the languages of the kiosk's catalogues that can be voiced.
var languages = []string{"fr", "en"}

// catalogue holds the --i18n and --lang flags of a command.
type catalogue struct{ file, lang *string }

func catalogueFlags(fs *flag.FlagSet, what string) catalogue {
	return catalogue{
		file: fs.String("i18n", "", "kiosk catalogue whose say.* phrases "+what+" (default DIR/../i18n/LANG.json)"),
		lang: fs.String("lang", "", "language of the catalogue: fr or en (default fr, or en for an --i18n file named en.json)"),
	}
}

// resolve returns the catalogue file and its language.
func (c catalogue) resolve(dir string) (file, lang string, err error) {
	file, lang = *c.file, *c.lang
	if lang != "" && !slices.Contains(languages, lang) {
		return "", "", fmt.Errorf("--lang is %s, not %q", strings.Join(languages, " or "), lang)
	}
	if lang == "" {
		lang = "fr"
		if l := strings.TrimSuffix(filepath.Base(file), ".json"); file != "" && slices.Contains(languages, l) {
			lang = l
		}
	}
	if file == "" {
		file = filepath.Join(dir, "..", "i18n", lang+".json")
	}
	return file, lang, nil
}

// allSayPhrases returns the say.* phrases of file and of every other
// catalogue (*.json) in its folder: the kiosk speaks all of them, whatever
// language its interface is in.
func allSayPhrases(file string) ([]string, error) {
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(file), "*.json"))
	if !slices.Contains(files, file) {
		files = append(files, file)
	}
	var out []string
	for _, f := range files {
		say, err := sayPhrasesOf(f)
		if err != nil {
			return nil, err
		}
		out = append(out, say...)
	}
	return out, nil
}

// unusedClips returns the clips of the pack's voice folder that are the best
// clip of no text: neither of the pack's spoken texts nor of say.
func unusedClips(p *content.Pack, say []string) []string {
	used := map[string]bool{}
	mark := func(text string) {
		if name, ok := p.ClipName(text); ok {
			used[name] = true
		}
	}
	for _, t := range p.SpokenTexts() {
		mark(t.Text)
	}
	for _, s := range say {
		mark(s)
	}
	entries, _ := fs.ReadDir(p.FS(), "voice")
	var out []string
	for _, e := range entries {
		name := "voice/" + e.Name()
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") || e.Name() == "README.md" || used[name] {
			continue
		}
		out = append(out, name)
	}
	return out
}

func validate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	clips := fs.String("clips", "error", "a missing voice clip is an error, a warning (warn) or not checked (off)")
	cat := catalogueFlags(fs, "need clips")
	dir, err := parse(fs, args)
	if err != nil {
		fmt.Fprintf(stderr, "tremplin-content validate: %v\n%s", err, usage)
		return 2
	}
	opts := content.CheckOptions{}
	switch *clips {
	case "error":
		opts.Clips = content.ClipsRequired
	case "warn":
		opts.Clips = content.ClipsWarn
	case "off":
		opts.Clips = content.ClipsIgnore
	default:
		fmt.Fprintf(stderr, "tremplin-content validate: --clips is error, warn or off\n")
		return 2
	}
	i18n, _, err := cat.resolve(dir)
	if err != nil {
		fmt.Fprintf(stderr, "tremplin-content validate: %v\n", err)
		return 2
	}
	if opts.Say, err = sayPhrases(i18n); err != nil {
		fmt.Fprintf(stderr, "tremplin-content validate: %v\n", err)
		return 1
	}
	// Orphan clips are counted here rather than by Check, against the
	// phrases of every catalogue: a French check must not call the English
	// phrases' clips unused, nor the other way round.
	p, probs := content.Check(os.DirFS(dir), opts)
	if p != nil && opts.Say != nil && opts.Clips != content.ClipsIgnore {
		all, err := allSayPhrases(i18n)
		if err != nil {
			fmt.Fprintf(stderr, "tremplin-content validate: %v\n", err)
			return 1
		}
		if n := len(unusedClips(p, all)); n > 0 {
			probs = append(probs, content.Problem{File: "voice/", Warning: true,
				Message: fmt.Sprintf("%d clips are used by no text (tremplin-content voice --prune removes them)", n)})
			sort.SliceStable(probs, func(i, j int) bool {
				if probs[i].File != probs[j].File {
					return probs[i].File < probs[j].File
				}
				return probs[i].Line < probs[j].Line
			})
		}
	}
	errs, warns := 0, 0
	for _, p := range probs {
		if p.Warning {
			warns++
		} else {
			errs++
		}
		fmt.Fprintln(stdout, filepath.Join(dir, p.String()))
	}
	fmt.Fprintf(stdout, "%s: %d error(s), %d warning(s)\n", dir, errs, warns)
	if errs > 0 {
		return 1
	}
	return 0
}

func stats(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	cat := catalogueFlags(fs, "are spoken")
	dir, err := parse(fs, args)
	if err != nil {
		return err
	}
	i18n, _, err := cat.resolve(dir)
	if err != nil {
		return err
	}
	say, err := sayPhrases(i18n)
	if err != nil {
		return err
	}
	p, err := content.Load(os.DirFS(dir))
	if err != nil {
		return err
	}
	st := p.Stats(say)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	printStats(stdout, st)
	return nil
}

func printStats(w io.Writer, st content.Stats) {
	fmt.Fprintf(w, "pack %s %s: %d domains, %d skills, %d items, %d modules, %d glossary words\n\n",
		st.Pack, st.Version, st.Domains, st.Skills, st.Items, st.Modules, st.Glossary)
	kinds := content.SortedKeys(st.Kinds)
	fmt.Fprintf(w, "%-12s %6s %4s %4s %4s %9s", "domain", "skills", "L1", "L2", "L3", "questions")
	for _, k := range kinds {
		fmt.Fprintf(w, " %s", k)
	}
	fmt.Fprintln(w)
	for _, d := range content.SortedKeys(st.ByDomain) {
		l := st.ByDomain[d]
		fmt.Fprintf(w, "%-12s %6d %4d %4d %4d %9d", d, st.SkillsByDomain[d], l["1"], l["2"], l["3"], st.Questions[d])
		for _, k := range kinds {
			fmt.Fprintf(w, " %*d", len(k), st.ByDomainKind[d][k])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\nvoice: %d of %d spoken texts have a clip (%.1f %%)", st.Voiced, st.Spoken, st.VoiceCoverage)
	for _, v := range content.SortedKeys(st.ClipsByVoice) {
		fmt.Fprintf(w, ", %s %d", v, st.ClipsByVoice[v])
	}
	fmt.Fprintln(w)
	pc := st.Pace
	fmt.Fprintf(w, "pace: %d clips, median %.0f words per minute (min %.0f, max %.0f), %d outside %d–%d; %.0f s of speech\n",
		pc.Clips, pc.Median, pc.Min, pc.Max, pc.Outside, content.MinWPM, content.MaxWPM, pc.Seconds)
	fmt.Fprintf(w, "pictures: %d of %d questions have a picture (%.1f %%)\n", st.Pictured, st.QuestionCount(), st.PicturedShare)
	fmt.Fprintf(w, "sizes:")
	for _, k := range content.SortedKeys(st.Bytes) {
		fmt.Fprintf(w, " %s %s", k, human(st.Bytes[k]))
	}
	fmt.Fprintln(w)
	printModuleStats(w, st)
}

func human(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
