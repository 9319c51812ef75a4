// Package audio owns Tremplin's sound: it decodes voice clips (Ogg Vorbis,
// WAV, MP3) to PCM, plays them through one process-wide oto v3 context, and
// speaks texts for the screens through a Speaker that never lets two clips
// overlap.
//
// A machine without a sound card, without an ALSA device or with a failing
// audio server must still run the kiosk: Open then returns a silent Player and
// the reason, which screens show as a visible "sound off" state.
//
// The package must never import Fyne or any SQL package: the UI holds a tiny
// interface{ Say(text string); Stop() } that a *Speaker satisfies.
package audio
