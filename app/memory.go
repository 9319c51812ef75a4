package app

// MemoryLimit is the kiosk's soft limit on the memory the Go runtime holds,
// set by cmd/tremplin unless GOMEMLIMIT is. Screens are rebuilt at every
// step and leave garbage behind; with the default GOGC alone the runtime
// kept up to twice the live heap (~60 MB for ~30 MB live during a module)
// and gave little back. Near the limit the collector runs sooner and
// returns pages to the system; the limit is soft, so a larger live heap (a
// long list in the mediator area) still fits, at the cost of more
// collections.
const MemoryLimit = 48 << 20
