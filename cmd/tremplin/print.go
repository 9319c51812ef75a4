package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// printer returns a function that prints a PDF through CUPS (`lp`) when a
// default printer is configured, and its name (from `lpstat -d`, "" when
// unknown), or nil when none is: the kiosk then saves sheets to a folder.
func printer() (print func(pdf []byte) error, name string) {
	lp, err := exec.LookPath("lp")
	if err != nil {
		return nil, ""
	}
	if _, err := exec.LookPath("lpstat"); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "lpstat", "-d").Output()
		if err != nil || !strings.Contains(string(out), ":") || strings.Contains(string(out), "no system default") {
			return nil, "" // no default destination
		}
		name = defaultPrinter(string(out))
	}
	return func(pdf []byte) error { return lpPrint(lp, pdf) }, name
}

// defaultPrinter reads the printer's name in `lpstat -d`'s answer
// ("system default destination: NAME").
func defaultPrinter(out string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	if i := strings.LastIndex(line, ":"); i >= 0 {
		return strings.TrimSpace(line[i+1:])
	}
	return ""
}

// printTo prints a PDF on the named CUPS printer (the one the mediator
// named in the device settings).
func printTo(name string, pdf []byte) error {
	lp, err := exec.LookPath("lp")
	if err != nil {
		return fmt.Errorf("print on %s: %w", name, err)
	}
	return lpPrint(lp, pdf, "-d", name)
}

// lpPrint sends a PDF to CUPS with lp and its extra arguments.
func lpPrint(lp string, pdf []byte, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, lp, append(append([]string{"-t", "Tremplin"}, args...), "-")...)
	cmd.Stdin = bytes.NewReader(pdf)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("lp: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
