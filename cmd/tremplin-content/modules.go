package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/tremplin-numerique/tremplin/content"
)

// printModuleStats prints the modules part of stats: how many, their
// minutes, the share of skills they teach and the practices they use.
func printModuleStats(w io.Writer, st content.Stats) {
	ms := st.Learn
	fmt.Fprintf(w, "\nmodules: %d, %d minutes in all, %d steps", st.Modules, ms.TotalMinutes, ms.Steps)
	for _, d := range content.SortedKeys(ms.ByDomain) {
		fmt.Fprintf(w, ", %s %d", d, ms.ByDomain[d])
	}
	fmt.Fprintln(w)
	share := 0.0
	if st.Skills > 0 {
		share = 100 * float64(ms.SkillsCovered) / float64(st.Skills)
	}
	fmt.Fprintf(w, "skills with a module: %d of %d (%.0f %%)", ms.SkillsCovered, st.Skills, share)
	if len(ms.Uncovered) > 0 {
		fmt.Fprintf(w, "; without: %s", strings.Join(ms.Uncovered, ", "))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "practice steps by kind:")
	for _, k := range content.SortedKeys(ms.PracticeKinds) {
		fmt.Fprintf(w, " %s %d", k, ms.PracticeKinds[k])
	}
	fmt.Fprintln(w)
	for _, id := range content.SortedKeys(ms.Minutes) {
		fmt.Fprintf(w, "  %-36s %2d min (estimated %.1f)\n", id, ms.Minutes[id], ms.Estimated[id])
	}
}
