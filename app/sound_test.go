package app_test

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// settingsVoice is a voice with sound settings, like audio.Speaker.
type settingsVoice struct {
	recordingVoice
	volume        float64
	muted, slower bool
}

func (v *settingsVoice) SetVolume(x float64) { v.volume = x }
func (v *settingsVoice) Volume() float64     { return v.volume }
func (v *settingsVoice) SetMuted(m bool)     { v.muted = m }
func (v *settingsVoice) Muted() bool         { return v.muted }
func (v *settingsVoice) SetSlower(s bool)    { v.slower = s }
func (v *settingsVoice) Slower() bool        { return v.slower }

func TestSoundPanelAndSoundOffSign(t *testing.T) {
	f := newFixture(t)
	v := &settingsVoice{volume: 0.6}
	f.k = newKioskWithVoice(t, f, v)
	p := f.k.Welcome.Sound
	if p == nil {
		t.Fatal("no sound panel for a voice with settings")
	}
	test.Tap(p.Louder)
	if v.volume <= 0.6 {
		t.Errorf("louder: volume %v", v.volume)
	}
	test.Tap(p.Quieter)
	test.Tap(p.Quieter)
	if v.volume >= 0.6 {
		t.Errorf("quieter: volume %v", v.volume)
	}
	test.Tap(p.Slower)
	if !v.slower {
		t.Error("slower voice not set")
	}
	if f.k.SoundOffShown() {
		t.Error("sound off shown while sound is on")
	}
	// Muted on the welcome screen: the ticked box says it, no sign beside.
	test.Tap(p.Mute)
	if !v.muted || f.k.SoundOffShown() {
		t.Errorf("mute: muted %v, sign shown too %v", v.muted, f.k.SoundOffShown())
	}
	test.Tap(p.Mute)
	f.k.SetSoundOff(true) // the device turned out to be missing
	if !f.k.SoundOffShown() || f.k.SoundSignText() != f.cat.T("sound.none") || p.Mute.Visible() {
		t.Errorf("no device: sign %v %q, mute box shown %v", f.k.SoundOffShown(), f.k.SoundSignText(), p.Mute.Visible())
	}
	f.k.SetSoundOff(false)
	test.Tap(p.Mute)
	startTest(f.k)
	if !f.k.SoundOffShown() || f.k.SoundSignText() != f.cat.T("sound.off") {
		t.Error("the question screen lost the sound off sign")
	}
	if f.cat.T("sound.off") == f.cat.T("sound.mute") {
		t.Error("the sign and the box say the same words")
	}
}
