// Command tremplin-sim simulates synthetic learners against the assessment
// engine and calibrates item parameters from recorded answers. It is the
// evidence behind the diagnostic's figures (see docs/assessment.md).
//
//	tremplin-sim cat --learners 5000 --seed 1 [--json] [--population FILE] [--out FILE] [--band-confidence P] [--progressive W]
//	                 [--synthetic-items N | --pack DIR] [--learn-prior=false] [--exposure FILE | --exposure-target R]
//	tremplin-sim responses --learners 2000 --seed 1 --out FILE [--truth FILE] [--synthetic-items N | --pack DIR]
//	tremplin-sim calibrate --responses FILE [--truth FILE] [--json] [--out FILE]
//	tremplin-sim exposure --target 0.25 [--out FILE] [--synthetic-items N | --pack DIR]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// commands maps a subcommand name to its function, which receives the
// arguments after the name. Other files of this package may register
// commands in init.
var commands = map[string]func(args []string) error{
	"cat":       cmdCAT,
	"calibrate": cmdCalibrate,
	"responses": cmdResponses,
}

// stdout is where commands print their reports (replaced in tests).
var stdout io.Writer = os.Stdout

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tremplin-sim:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return fmt.Errorf("%w: no command", errUsage)
		}
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		usage(os.Stderr)
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	if err := cmd(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%s: %w", args[0], err)
	}
	return nil
}

func usage(w io.Writer) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "usage: tremplin-sim COMMAND [flags]\ncommands: %s\nrun tremplin-sim COMMAND -h for its flags\n", strings.Join(names, ", "))
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	return fs
}
