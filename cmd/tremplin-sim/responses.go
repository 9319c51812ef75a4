package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"

	"github.com/tremplin-numerique/tremplin/assessment"
)

// cmdResponses simulates learners answering a share of the bank and writes
// their answers as a responses file, and optionally the true parameters:
// the input of calibrate --responses ... --truth ....
func cmdResponses(args []string) error {
	fs := newFlags("responses")
	learners := fs.Int("learners", 2000, "number of simulated learners")
	seed := fs.Int64("seed", 1, "random seed")
	share := fs.Float64("share", 0.6, "share of the bank each learner answers, at random")
	out := fs.String("out", "", "responses file to write (JSON lines)")
	truth := fs.String("truth", "", "CSV of the true item parameters to write (id,domain,a,b)")
	var bf bankFlags
	bf.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 || *learners < 1 || !(*share > 0 && *share <= 1) {
		return fmt.Errorf("%w: responses --out FILE [--learners N] [--share S] [--truth FILE] [--synthetic-items N | --pack DIR]", errUsage)
	}
	bf.seed = uint64(*seed)
	bank, _, err := bf.load()
	if err != nil {
		return err
	}
	bank, err = assessment.SeedBank(bank)
	if err != nil {
		return err
	}
	if *truth != "" {
		est := make([]assessment.ItemEstimate, len(bank))
		for i, it := range bank {
			est[i] = assessment.ItemEstimate{ID: it.ID, Domain: it.Domain, A: it.A, B: it.B}
		}
		if err := writeItems(*truth, est); err != nil {
			return err
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	r := rand.New(rand.NewPCG(uint64(*seed), 0x7e5))
	n := 0
	for l := 0; l < *learners; l++ {
		theta := map[string]float64{}
		id := "L" + strconv.Itoa(l+1)
		for _, it := range bank {
			if _, ok := theta[it.Domain]; !ok {
				theta[it.Domain] = r.NormFloat64()
			}
			if r.Float64() >= *share {
				continue
			}
			ok := r.Float64() < assessment.Prob(it.A, it.B, theta[it.Domain])
			if err := enc.Encode(map[string]any{"learner": id, "item": it.ID, "domain": it.Domain, "correct": ok}); err != nil {
				f.Close()
				return err
			}
			n++
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d answers from %d learners on %d items written to %s\n", n, *learners, len(bank), *out)
	return nil
}
