package xvfb

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// wmDeleteC sends a window the message a window manager sends when the user
// closes it (Alt+F4, the title bar's ×): a WM_PROTOCOLS client message
// carrying WM_DELETE_WINDOW. xdotool cannot send it (its windowclose
// destroys the window instead), and Xvfb runs no window manager.
const wmDeleteC = `#include <X11/Xlib.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
	if (argc != 2) { fprintf(stderr, "usage: wmdelete WINDOW\n"); return 2; }
	Display *d = XOpenDisplay(NULL);
	if (!d) { fprintf(stderr, "wmdelete: cannot open display\n"); return 1; }
	Window w = (Window)strtoul(argv[1], NULL, 0);
	XEvent ev = {0};
	ev.xclient.type = ClientMessage;
	ev.xclient.window = w;
	ev.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", False);
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = XInternAtom(d, "WM_DELETE_WINDOW", False);
	ev.xclient.data.l[1] = CurrentTime;
	if (!XSendEvent(d, w, False, NoEventMask, &ev)) { fprintf(stderr, "wmdelete: XSendEvent failed\n"); return 1; }
	XSync(d, False);
	XCloseDisplay(d);
	return 0;
}
`

// CloseWindow asks the window with this id to close, as a window manager
// does on Alt+F4 (WM_DELETE_WINDOW). It compiles a small X client with gcc
// and libX11's headers (scripts/apt/build.txt) the first time.
func (d *Display) CloseWindow(t testing.TB, id string) {
	t.Helper()
	NeedTools(t, "gcc")
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "wmdelete.c"), filepath.Join(dir, "wmdelete")
	if err := os.WriteFile(src, []byte(wmDeleteC), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("gcc", "-o", bin, src, "-lX11").CombinedOutput(); err != nil {
		t.Fatalf("build the WM_DELETE_WINDOW sender: %v: %s", err, out)
	}
	cmd := exec.Command(bin, id)
	cmd.Env = d.Env(os.Environ())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("send WM_DELETE_WINDOW to %s: %v: %s", id, err, out)
	}
}
