package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

func init() { commands["populate"] = runPopulate }

// runPopulate writes realistic kiosk journals for sync load tests:
//
//	tremplin-sim populate --data-dir D --learners N [--devices K] [--seed S] [--days 60]
//
// With one device it writes D/journal.db (what the kiosk opens with
// --data-dir D); with K devices, D/device-01/journal.db … Each learner
// gets learner.created, session.started, 20–40 answer.recorded and
// diagnostic.finished, some come back for a second session, and device
// clocks are spread over the last days (one device's clock is a year off).
func runPopulate(args []string) error {
	fs := newFlags("populate")
	dir := fs.String("data-dir", "", "directory for the journal(s)")
	learners := fs.Int("learners", 100, "learners in all")
	devices := fs.Int("devices", 1, "devices (journals) to spread them over")
	seed := fs.Uint64("seed", 1, "random seed")
	days := fs.Int("days", 60, "days of history")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *learners < 0 || *devices < 1 {
		return fmt.Errorf("%w: --data-dir and --learners N are required", errUsage)
	}
	rng := rand.New(rand.NewPCG(*seed, 0x7e3))
	ctx := context.Background()
	start := time.Now().Add(-time.Duration(*days) * 24 * time.Hour)
	total := 0
	for d := range *devices {
		path := filepath.Join(*dir, "journal.db")
		if *devices > 1 {
			path = filepath.Join(*dir, fmt.Sprintf("device-%02d", d+1), "journal.db")
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		clock := start
		skew := time.Duration(0)
		if d == 1 {
			skew = -365 * 24 * time.Hour // a kiosk whose clock is a year behind
		}
		now := func() time.Time { return clock.Add(skew) }
		j, err := journal.Open(ctx, path, journal.WithClock(now))
		if err != nil {
			return err
		}
		n := *learners / *devices
		if d < *learners%*devices {
			n++
		}
		for range n {
			clock = clock.Add(time.Duration(rng.IntN(int(time.Duration(*days)*24*time.Hour/time.Duration(max(*learners, 1))))) + time.Minute)
			k, err := populateLearner(ctx, j, rng, &clock)
			total += k
			if err != nil {
				j.Close()
				return err
			}
		}
		if err := j.Close(); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %d events for %d learners on %d device(s) in %s\n", total, *learners, *devices, *dir)
	return nil
}

var popDomains = []struct{ domain, skill string }{
	{"equipement", "equipement.souris"}, {"equipement", "equipement.clavier"},
	{"internet", "internet.recherche"}, {"internet", "internet.navigateur"},
	{"communiquer", "communiquer.courriel"}, {"communiquer", "communiquer.visio"},
	{"documents", "documents.fichiers"}, {"documents", "documents.formulaire"},
	{"demarches", "demarches.compte"}, {"demarches", "demarches.caf"},
}

var popNames = []string{"Awa", "Bruno", "Chloé", "Driss", "Élise", "Fatou", "Gérard", "Hélène", "Ibrahim", "Jeanne",
	"Karim", "Louise", "Mamadou", "Nadia", "Odette", "Paul", "Rachid", "Simone", "Thierry", "Yvette"}

var popPictos = []string{"soleil", "arbre", "chat", "maison", "vélo", "poisson", "étoile", "fleur", "lune", "clé"}

func populateLearner(ctx context.Context, j *journal.Journal, rng *rand.Rand, clock *time.Time) (int, error) {
	id := uuid.Must(uuid.NewV7()).String()
	n := 0
	app := func(typ string, p any) error {
		*clock = clock.Add(time.Duration(2+rng.IntN(40)) * time.Second)
		_, err := j.Append(ctx, typ, id, p)
		n++
		return err
	}
	code := popPictos[rng.IntN(10)] + "-" + popPictos[rng.IntN(10)] + "-" + popPictos[rng.IntN(10)]
	name := fmt.Sprintf("%s %c.", popNames[rng.IntN(len(popNames))], 'A'+rune(rng.IntN(26)))
	if err := app(journal.TypeLearnerCreated, map[string]any{"name": name, "picture_code": code}); err != nil {
		return n, err
	}
	ability := rng.NormFloat64()
	sessions := 1 + rng.IntN(2)
	for range sessions {
		sess := uuid.Must(uuid.NewV7()).String()
		if err := app(journal.TypeSessionStarted, map[string]any{"session_id": sess, "mode": "diagnostic", "pack": "tremplin-default", "language": "fr"}); err != nil {
			return n, err
		}
		items := 20 + rng.IntN(21)
		correct := 0
		for i := range items {
			d := popDomains[rng.IntN(len(popDomains))]
			outcome := "incorrect"
			p := 1 / (1 + math.Exp(-(ability + rng.NormFloat64()*0.5)))
			switch r := rng.Float64(); {
			case r < p:
				outcome = "correct"
				correct++
			case r > 0.9:
				outcome = "dont_know"
			}
			err := app(journal.TypeAnswerRecorded, map[string]any{
				"learner_id": id, "session_id": sess, "item_id": fmt.Sprintf("%s.%02d", d.skill, i%12),
				"skill": d.skill, "domain": d.domain, "kind": []string{"single", "multiple", "text", "tap", "order"}[rng.IntN(5)],
				"outcome": outcome, "correct": outcome == "correct", "response": rng.IntN(4), "shown_ms": 3000 + rng.IntN(40000),
			})
			if err != nil {
				return n, err
			}
		}
		if err := app(journal.TypeDiagnosticFinished, map[string]any{"session_id": sess, "items": items, "correct": correct}); err != nil {
			return n, err
		}
		*clock = clock.Add(time.Duration(1+rng.IntN(14)) * 24 * time.Hour)
	}
	return n, nil
}
