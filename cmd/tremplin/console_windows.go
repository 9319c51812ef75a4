package main

import (
	"os"
	"syscall"
)

// The Windows build is a GUI program (-H windowsgui) so that no console
// window opens beside the kiosk. Typed in a console (`tremplin --version`,
// `tremplin pin`), it would then print nothing: attach to the console it
// was started from, when there is one and the output is not redirected.
func init() {
	const attachParentProcess = ^uint32(0) // ATTACH_PARENT_PROCESS (-1)
	if h, err := syscall.GetStdHandle(syscall.STD_OUTPUT_HANDLE); err == nil && h != 0 && h != syscall.InvalidHandle {
		return // redirected to a file or pipe: already fine
	}
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	if r, _, _ := attach.Call(uintptr(attachParentProcess)); r == 0 {
		return // started from the Start menu: no console, nothing to print to
	}
	if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		os.Stdout, os.Stderr = f, f
	}
	if f, err := os.OpenFile("CONIN$", os.O_RDONLY, 0); err == nil {
		os.Stdin, stdin = f, f
	}
}
