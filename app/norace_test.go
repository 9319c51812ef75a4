//go:build !race

package app_test

// raceDetector is true when the tests run with -race.
const raceDetector = false
