package app

// CloseRequested is what a full-screen kiosk does when the window manager
// asks to close its window (Alt+F4, a close button): a visitor cannot end
// it; the mediator PIN screen comes up instead, since the mediator area
// holds the real way out ("Quitter"). Already on the PIN screen or in the
// mediator area, nothing changes.
func (k *Kiosk) CloseRequested() {
	if k.PIN != nil || k.Mediator != nil {
		return
	}
	k.showPIN()
}
