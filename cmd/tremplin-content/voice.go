package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/tremplin-numerique/tremplin/content"
)

// engine turns a text into a WAV file, at a speed in percent of the
// engine's default pace, with a pause between sentences.
type engine struct {
	name  string // voice name in clip file names: pico, mbrola, espeak
	synth func(ctx context.Context, text, wav string, speed int) error
}

// sentencePause is the silence put between 2 sentences: a listener who
// reads little needs the time to take a sentence in before the next.
const sentencePause = "450ms"

// withPauses returns text as markup for Pico and espeak-ng (SSML): each
// sentence followed by a pause, the whole at speed percent.
func withPauses(text string, speed int, pico bool) string {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	var parts []string
	for _, s := range content.Sentences(text) {
		parts = append(parts, esc.Replace(s))
	}
	body := strings.Join(parts, ` <break time="`+sentencePause+`"/> `)
	if pico {
		return fmt.Sprintf(`<speed level="%d">%s</speed>`, speed, body)
	}
	return "<speak>" + body + "</speak>"
}

func mbrolaVoice() string {
	for _, v := range []string{"fr1", "fr4"} {
		for _, dir := range []string{"/usr/share/mbrola/" + v, "/usr/share/mbrola/voices/" + v} {
			if _, err := os.Stat(dir); err == nil {
				return v
			}
		}
	}
	return ""
}

// picoHas reports whether Pico has the language files of locale (such as
// en-GB); true when the files cannot be looked for, so pico2wave tells.
func picoHas(locale string) bool {
	const dir = "/usr/share/pico/lang"
	if _, err := os.Stat(dir); err != nil {
		return true
	}
	_, err := os.Stat(filepath.Join(dir, locale+"_ta.bin"))
	return err == nil
}

// engines returns the engines installed for lang (fr or en), best first.
// English has Pico en-GB and espeak-ng en-gb: no MBROLA English voice is
// installed.
func engines(lang string) []engine {
	pico, espeak, speed := "fr-FR", "fr", 145
	if lang == "en" {
		pico, espeak, speed = "en-GB", "en-gb", 150
	}
	var out []engine
	if _, err := exec.LookPath("pico2wave"); err == nil && picoHas(pico) {
		out = append(out, engine{"pico", func(ctx context.Context, text, wav string, pct int) error {
			return command(ctx, "pico2wave", "-l", pico, "-w", wav, withPauses(text, pct, true))
		}})
	}
	if _, err := exec.LookPath("espeak-ng"); err == nil {
		wpm := func(base, pct int) string { return strconv.Itoa(base * pct / 100) }
		if v := mbrolaVoice(); v != "" && lang == "fr" {
			out = append(out, engine{"mbrola", func(ctx context.Context, text, wav string, pct int) error {
				return command(ctx, "espeak-ng", "-m", "-v", "mb-"+v, "-s", wpm(140, pct), "-w", wav, withPauses(text, pct, false))
			}})
		}
		out = append(out, engine{"espeak", func(ctx context.Context, text, wav string, pct int) error {
			return command(ctx, "espeak-ng", "-m", "-v", espeak, "-s", wpm(speed, pct), "-w", wav, withPauses(text, pct, false))
		}})
	}
	return out
}

// packLang returns the language of the pack's texts: the language tag of
// pack.yaml without its region, fr when it has none.
func packLang(p *content.Pack) string {
	l, _, _ := strings.Cut(strings.ToLower(p.Meta.Language), "-")
	if l == "" {
		return "fr"
	}
	return l
}

func command(ctx context.Context, name string, args ...string) error {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

var rmsLine = regexp.MustCompile(`RMS lev dB\s+(-?[0-9.]+|-inf)`)

// targetRMS is the loudness every clip is brought to, in dBFS.
const targetRMS = -20.0

// clipRate is the sample rate of the clips: Pico and MBROLA speak at
// 16 kHz, so a higher rate would only make the files bigger.
const clipRate = "16000"

// trim writes wav without the silence at both ends (a short pad kept) as
// mono clipRate to trimmed, and returns its length in seconds.
func trim(ctx context.Context, wav, trimmed string) (float64, error) {
	if err := command(ctx, "sox", wav, "-c", "1", trimmed,
		"silence", "1", "0.02", "0.3%", "reverse", "silence", "1", "0.02", "0.3%", "reverse",
		"rate", clipRate, "pad", "0.05", "0.1"); err != nil {
		return 0, err
	}
	b, err := os.ReadFile(trimmed)
	if err != nil {
		return 0, err
	}
	return content.ClipSeconds(trimmed, b)
}

// encode brings trimmed to targetRMS with a limiter against clipping and
// writes it as mono Ogg Vorbis to out.
func encode(ctx context.Context, trimmed, out string, quality float64) error {
	var stats bytes.Buffer
	cmd := exec.CommandContext(ctx, "sox", trimmed, "-n", "stats")
	cmd.Stderr = &stats
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("sox stats: %w", err)
	}
	m := rmsLine.FindStringSubmatch(stats.String())
	if m == nil || m[1] == "-inf" {
		return errors.New("the engine produced silence")
	}
	rms, _ := strconv.ParseFloat(m[1], 64)
	gain := strconv.FormatFloat(targetRMS-rms, 'f', 2, 64)
	tmp := out + ".tmp.ogg"
	if err := command(ctx, "sox", trimmed, "-C", strconv.FormatFloat(quality, 'f', 1, 64), tmp, "gain", "-l", gain); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, out)
}

func voice(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("voice", flag.ContinueOnError)
	want := fs.String("voice", "", "engine to use: pico, mbrola or espeak (default: the best installed)")
	jobs := fs.Int("jobs", runtime.NumCPU(), "clips made at once")
	quality := fs.Float64("quality", 0, "Ogg Vorbis quality (-1 to 10); 0 gives about 23 kbit/s for 16 kHz speech")
	prune := fs.Bool("prune", false, "delete clips that no text uses any more")
	force := fs.Bool("force", false, "remake every clip of the chosen voice, not only the missing ones (to change the pace)")
	cat := catalogueFlags(fs, "are spoken")
	dry := fs.Bool("n", false, "list the texts without a clip, make nothing")
	dir, err := parse(fs, args)
	if err != nil {
		return err
	}
	i18n, lang, err := cat.resolve(dir)
	if err != nil {
		return err
	}
	say, err := sayPhrases(i18n)
	if err != nil {
		return err
	}
	if say == nil {
		fmt.Fprintf(stderr, "note: %s not found; the kiosk's phrases will be voiced on a later run\n", i18n)
	}
	p, err := content.Load(os.DirFS(dir))
	if err != nil {
		return err
	}
	texts := []string{}
	if pl := packLang(p); pl == lang {
		for _, t := range p.SpokenTexts() {
			texts = append(texts, t.Text)
		}
	} else {
		fmt.Fprintf(stderr, "note: the pack is in %s: only the say.* phrases of %s are voiced in %s\n", pl, i18n, lang)
	}
	texts = append(texts, say...)
	var todo []string
	seen := map[string]bool{}
	for _, t := range texts {
		k := content.VoiceKey(t)
		if seen[k] {
			continue
		}
		seen[k] = true
		name, ok := p.ClipName(t)
		if !ok || *force && !strings.HasPrefix(path.Base(name), "human-") {
			todo = append(todo, t)
		}
	}
	if *prune {
		if say == nil {
			return errors.New("--prune needs the kiosk catalogue, or it would delete the kiosk's phrases")
		}
		// Every catalogue's phrases count, so pruning with one language
		// keeps the other's clips.
		all, err := allSayPhrases(i18n)
		if err != nil {
			return err
		}
		n := 0
		for _, c := range unusedClips(p, all) {
			if strings.HasPrefix(path.Base(c), "human-") {
				continue
			}
			if !*dry {
				if err := os.Remove(filepath.Join(dir, filepath.FromSlash(c))); err != nil {
					return err
				}
			}
			n++
		}
		fmt.Fprintf(stderr, "pruned %d unused clips\n", n)
	}
	if *dry {
		for _, t := range todo {
			fmt.Fprintln(stderr, t)
		}
		fmt.Fprintf(stderr, "%d texts without a clip\n", len(todo))
		return nil
	}
	if len(todo) == 0 {
		fmt.Fprintf(stderr, "every one of %d spoken texts has a clip\n", len(seen))
		return nil
	}
	all := engines(lang)
	if len(all) == 0 {
		return fmt.Errorf("no text-to-speech engine found for %s: run scripts/voice-deps.sh as root", lang)
	}
	eng := all[0]
	if *want != "" {
		found := false
		for _, e := range all {
			if e.name == *want {
				eng, found = e, true
			}
		}
		if !found {
			return fmt.Errorf("voice %q is not installed for %s (scripts/voice-deps.sh installs pico, mbrola and espeak; mbrola is French only)", *want, lang)
		}
	}
	for _, tool := range []string{"sox"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is missing: run scripts/voice-deps.sh as root", tool)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "voice"), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "tremplin-voice-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	fmt.Fprintf(stderr, "voicing %d texts in %s with %s\n", len(todo), lang, eng.name)
	ctx := context.Background()
	work := make(chan int)
	var mu sync.Mutex
	var failures []string
	done := 0
	bar := newBar(stderr, len(todo))
	var wg sync.WaitGroup
	for w := 0; w < max(1, *jobs); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				t := todo[i]
				wav := filepath.Join(tmp, strconv.Itoa(i)+".wav")
				trimmed := filepath.Join(tmp, strconv.Itoa(i)+".trim.wav")
				out := filepath.Join(dir, filepath.FromSlash(content.ClipName(eng.name, t, "ogg")))
				err := speakAtPace(ctx, eng, content.PronounceFor(lang, t), content.SpokenWords(lang, t), wav, trimmed)
				if err == nil {
					err = encode(ctx, trimmed, out, *quality)
				}
				os.Remove(wav)
				os.Remove(trimmed)
				mu.Lock()
				if err != nil {
					failures = append(failures, fmt.Sprintf("%q: %v", t, err))
				}
				done++
				bar.set(done)
				mu.Unlock()
			}
		}()
	}
	for i := range todo {
		work <- i
	}
	close(work)
	wg.Wait()
	bar.finish()
	for _, f := range failures {
		fmt.Fprintln(stderr, "failed:", f)
	}
	if len(failures) > 0 {
		return fmt.Errorf("%d of %d clips failed", len(failures), len(todo))
	}
	fmt.Fprintf(stderr, "wrote %d clips with %s into %s\n", len(todo), eng.name, filepath.Join(dir, "voice"))
	return nil
}

// speakAtPace synthesises text into trimmed at content.TargetWPM: a first
// take at a slowed-down speed is measured, and a second take corrects the
// speed when the first is off by more than 5 %. Words are those the voice
// says (content.SpokenWords), pauses between sentences included.
func speakAtPace(ctx context.Context, eng engine, text string, words int, wav, trimmed string) error {
	speed := 72
	for take := 0; ; take++ {
		if err := eng.synth(ctx, text, wav, speed); err != nil {
			return err
		}
		secs, err := trim(ctx, wav, trimmed)
		if err != nil {
			return err
		}
		if words == 0 || secs <= 0 || take == 2 {
			return nil
		}
		wpm := float64(words) * 60 / secs
		if math.Abs(wpm-content.TargetWPM) <= 0.05*content.TargetWPM {
			return nil
		}
		speed = min(200, max(40, int(math.Round(float64(speed)*content.TargetWPM/wpm))))
	}
}

// bar draws a progress bar on a terminal line.
type bar struct {
	w     io.Writer
	total int
	last  int
}

func newBar(w io.Writer, total int) *bar {
	b := &bar{w: w, total: total, last: -1}
	b.set(0)
	return b
}

func (b *bar) set(n int) {
	const width = 40
	pct := 100 * n / max(1, b.total)
	if pct == b.last {
		return
	}
	b.last = pct
	fill := width * n / max(1, b.total)
	fmt.Fprintf(b.w, "\r[%s%s] %3d%% %d/%d", strings.Repeat("#", fill), strings.Repeat(".", width-fill), pct, n, b.total)
}

func (b *bar) finish() { fmt.Fprintln(b.w) }
