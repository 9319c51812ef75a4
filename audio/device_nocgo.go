//go:build !cgo

package audio

import "errors"

// openDevice fails: oto needs cgo (ALSA) on Linux.
func openDevice(Options) (Player, error) {
	return nil, errors.New("built without cgo, so without ALSA")
}

// cgoBuild tells tests that this build cannot reach ALSA.
const cgoBuild = false
