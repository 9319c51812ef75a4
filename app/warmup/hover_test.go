package warmup

import (
	"testing"

	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// TestMovedTargetIsNotShownUnderThePointer: once the target moves away
// from the pointer (no MouseOut comes), it is drawn as not pointed at.
func TestMovedTargetIsNotShownUnderThePointer(t *testing.T) {
	test.NewTempApp(t)
	s := New(Env{T: func(k string, _ ...string) string { return k }}, nil)
	s.Target.MouseIn(&desktop.MouseEvent{})
	s.Target.Tapped(nil)
	if s.Step() != 2 || s.Target.hovered {
		t.Fatalf("step %d, moved target still drawn under the pointer: %v", s.Step(), s.Target.hovered)
	}
}
