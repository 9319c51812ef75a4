package app

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// Mediator is what the mediator area reads and does; cmd/tremplin provides
// it over the journal and the sync client.
type Mediator interface {
	// PINHash returns the argon2id hash of the mediator PIN, "" if none is set.
	PINHash() string
	// SetPINHash replaces the mediator PIN by the one hash encodes.
	SetPINHash(hash string) error
	SyncStatus() (journal.SyncStatus, error)
	// Learners returns how many people this device has welcomed.
	Learners() (int, error)
	// SyncNow syncs once with the server; it may take a while.
	SyncNow(ctx context.Context) error
	// Erase forgets a learner for good on this device (their events are
	// deleted, a tombstone syncs the erasure to the server and the site).
	Erase(ctx context.Context, learnerID, reason string) error
	// Quit ends the kiosk.
	Quit()
}

// PINScreen asks for the mediator PIN on a large keypad.
type PINScreen struct {
	Entry   *widget.Entry
	Keys    [10]*widget.Button
	Erase   *widget.Button
	OK      *widget.Button
	Back    *widget.Button
	Message *widget.Label

	root fyne.CanvasObject
}

func (k *Kiosk) showPIN() {
	s := &PINScreen{}
	s.Entry = widget.NewPasswordEntry()
	// The instruction sits above the field, wrapped: as a placeholder it
	// was cut ("…puis cliquez su").
	prompt := widget.NewLabel(k.cat.T("pin.prompt"))
	prompt.Wrapping = fyne.TextWrapWord
	s.Entry.OnSubmitted = func(string) { k.checkPIN(s) }
	pad := container.NewGridWithColumns(3)
	for _, d := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 0} {
		digit := strconv.Itoa(d)
		s.Keys[d] = widget.NewButton(digit, func() { s.Entry.SetText(s.Entry.Text + digit) })
	}
	s.Erase = widget.NewButtonWithIcon(k.cat.T("pin.erase"), theme.ContentUndoIcon(), func() {
		if t := []rune(s.Entry.Text); len(t) > 0 {
			s.Entry.SetText(string(t[:len(t)-1]))
		}
	})
	s.OK = widget.NewButtonWithIcon(k.cat.T("pin.ok"), theme.LoginIcon(), func() { k.checkPIN(s) })
	s.OK.Importance = widget.HighImportance
	for _, d := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9} {
		pad.Add(s.Keys[d])
	}
	pad.Add(s.Erase)
	pad.Add(s.Keys[0])
	pad.Add(s.OK)
	s.Back = widget.NewButtonWithIcon(k.cat.T("common.back"), theme.NavigateBackIcon(), k.ShowWelcome)
	s.Message = widget.NewLabel("")
	s.Message.Wrapping = fyne.TextWrapWord
	s.Message.Importance = widget.DangerImportance
	// Entrer stays usable: the PIN may be set (tremplin pin) while this
	// screen is open, so every attempt reads it again (refreshPIN below).
	title := widget.NewLabelWithStyle(k.cat.T("pin.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	form := container.NewVBox(prompt, s.Entry, container.NewGridWrap(fyne.NewSize(480, 300), pad), s.Message)
	s.root = container.NewPadded(container.NewBorder(container.NewBorder(nil, nil, s.Back, nil, title), nil, nil, nil,
		container.NewCenter(container.NewGridWrap(fyne.NewSize(500, 600), form))))
	k.clearScreens()
	k.PIN = s
	k.refreshPIN()
	k.setContent(s.root, "")
}

// pinHash reads the mediator PIN's hash afresh ("" when none is set).
func (k *Kiosk) pinHash() string {
	if k.cfg.Mediator == nil {
		return ""
	}
	return k.cfg.Mediator.PINHash()
}

// refreshPIN says, on the PIN screen, how to set a PIN while none is set,
// and takes the hint away once one is (the idle ticker calls it too).
func (k *Kiosk) refreshPIN() {
	s := k.PIN
	if s == nil {
		return
	}
	none := k.noPINText()
	if k.pinHash() == "" {
		s.Message.SetText(none)
	} else if s.Message.Text == none {
		s.Message.SetText("")
	}
}

// noPINText is the hint to set a PIN, naming this kiosk's data folder.
func (k *Kiosk) noPINText() string {
	dir := k.cfg.DataDir
	if dir == "" {
		dir = k.cat.T("pin.data_dir")
	}
	if strings.ContainsAny(dir, " '\"") {
		dir = "\"" + dir + "\""
	}
	return k.cat.T("pin.none", "dir", dir)
}

func (k *Kiosk) checkPIN(s *PINScreen) {
	hash := k.pinHash()
	if hash == "" {
		s.Entry.SetText("")
		k.refreshPIN()
		return
	}
	ctx := context.Background()
	if wait, err := k.pinLock.Wait(ctx); err != nil || wait > 0 {
		if err != nil {
			slog.Error("read PIN lockout", "err", err)
		}
		s.Entry.SetText("")
		s.Message.SetText(k.cat.T("pin.locked", "s", strconv.Itoa(int(wait.Seconds()+0.999))))
		return
	}
	if !pin.Verify(s.Entry.Text, hash) {
		s.Entry.SetText("")
		wait, err := k.pinLock.Fail(ctx)
		if err != nil {
			slog.Error("record wrong PIN", "err", err)
		}
		slog.Warn("wrong mediator PIN", "locked_for", wait)
		if wait > 0 {
			s.Message.SetText(k.cat.T("pin.locked", "s", strconv.Itoa(int(wait.Seconds()+0.999))))
			return
		}
		s.Message.SetText(k.cat.T("pin.wrong"))
		return
	}
	if err := k.pinLock.Reset(ctx); err != nil {
		slog.Error("reset PIN lockout", "err", err)
	}
	k.mediatorSession = newMediatorSession()
	k.showMediator()
}

// MediatorScreen is the mediator area: sync status and the way out.
type MediatorScreen struct {
	// People opens the list of learners (the mediator workspace).
	People *widget.Button
	// Group starts or shows a group session for outreach.
	Group *widget.Button
	// Settings opens the device settings.
	Settings *widget.Button
	Server   *widget.Label
	LastSync *widget.Label
	Pending  *widget.Label
	Problem  *widget.Label
	Learners *widget.Label
	SyncNow  *widget.Button
	Back     *widget.Button
	Quit     *widget.Button
	// Sheets opens where take-home sheets go (SheetsPanel, with its own
	// SheetsBack, while shown).
	Sheets      *widget.Button
	SheetsPanel *SheetSettings
	SheetsBack  *widget.Button
	// Stick copies answers to a USB stick and imports from one (nil
	// without Config.Sneakernet).
	Stick *StickPanel

	root fyne.CanvasObject
}

func (k *Kiosk) showMediator() {
	s := &MediatorScreen{
		Server: widget.NewLabel(""), LastSync: widget.NewLabel(""), Pending: widget.NewLabel(""),
		Problem: widget.NewLabel(""), Learners: widget.NewLabel(""),
	}
	s.Server.Wrapping = fyne.TextWrapWord
	s.Problem.Wrapping = fyne.TextWrapWord
	s.SyncNow = widget.NewButtonWithIcon(k.cat.T("mediator.sync_now"), theme.ViewRefreshIcon(), func() { k.syncNow(s) })
	s.SyncNow.Importance = widget.HighImportance
	s.People = widget.NewButtonWithIcon(k.cat.T("workspace.open"), theme.AccountIcon(), k.showLearners)
	s.People.Importance = widget.HighImportance
	s.Group = widget.NewButtonWithIcon(k.cat.T("group.open"), theme.GridIcon(), k.showGroup)
	s.Settings = widget.NewButtonWithIcon(k.cat.T("device.open"), theme.SettingsIcon(), k.showDevice)
	// Leaving the mediator area makes way for the next visitor: a new
	// visit, with the device's settings as they are now.
	s.Back = widget.NewButtonWithIcon(k.cat.T("common.back"), theme.NavigateBackIcon(), k.EndVisit)
	s.Quit = widget.NewButtonWithIcon(k.cat.T("mediator.quit"), theme.LogoutIcon(), k.askQuit)
	title := widget.NewLabelWithStyle(k.cat.T("mediator.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	syncTitle := widget.NewLabelWithStyle(k.cat.T("mediator.sync"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	body := container.NewVBox(s.Learners, container.NewHBox(s.People, s.Group), widget.NewSeparator(), syncTitle, s.Server, s.LastSync, s.Pending, s.Problem,
		container.NewHBox(s.SyncNow))
	if s.Stick = k.stickPanel(); s.Stick != nil {
		body.Add(s.Stick.root)
	}
	s.Sheets = widget.NewButtonWithIcon(k.cat.T("sheets.open"), theme.DocumentPrintIcon(), func() { k.showSheetSettings(s) })
	body.Add(widget.NewSeparator())
	body.Add(container.NewHBox(s.Sheets))
	s.root = container.NewPadded(container.NewBorder(container.NewBorder(nil, nil, s.Back, container.NewHBox(s.Settings, s.Quit), title), nil, nil, nil, container.NewVScroll(body)))
	k.clearScreens()
	k.Mediator = s
	k.refreshMediator()
	k.setContent(s.root, "")
}

// ConfirmQuit asks the mediator whether to really quit Tremplin.
type ConfirmQuit struct {
	Yes, No *widget.Button
	popup   *widget.PopUp
}

// askQuit asks before quitting: a stray tap must not close the kiosk.
func (k *Kiosk) askQuit() {
	k.touch()
	s := &ConfirmQuit{}
	s.Yes = widget.NewButtonWithIcon(k.cat.T("mediator.quit_yes"), theme.LogoutIcon(), func() {
		s.popup.Hide()
		k.ConfirmQuit = nil
		k.cfg.Mediator.Quit()
	})
	s.No = widget.NewButtonWithIcon(k.cat.T("mediator.quit_no"), theme.NavigateBackIcon(), func() {
		s.popup.Hide()
		k.ConfirmQuit = nil
		k.touch()
	})
	s.No.Importance = widget.HighImportance
	q := widget.NewLabelWithStyle(k.cat.T("mediator.quit_question"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	q.SizeName = theme.SizeNameHeadingText
	body := container.NewVBox(q, container.NewGridWrap(fyne.NewSize(300, 90), s.No, s.Yes))
	s.popup = widget.NewModalPopUp(container.NewPadded(body), k.win.Canvas())
	s.popup.Show()
	k.ConfirmQuit = s
}

// refreshMediator shows the current sync status on the mediator screen.
func (k *Kiosk) refreshMediator() {
	s := k.Mediator
	if s == nil {
		return
	}
	if n, err := k.cfg.Mediator.Learners(); err == nil {
		s.Learners.SetText(k.cat.T("mediator.learners", "n", strconv.Itoa(n)))
	}
	st, err := k.cfg.Mediator.SyncStatus()
	if err != nil {
		s.Problem.SetText(k.cat.T("mediator.error", "err", err.Error()))
		return
	}
	if !st.Enrolled {
		s.Server.SetText(k.cat.T("mediator.not_enrolled"))
		s.SyncNow.Disable()
	} else {
		s.Server.SetText(k.cat.T("mediator.server", "url", st.ServerURL) + "\n" + k.cat.T("mediator.site", "site", st.SiteName))
		s.SyncNow.Enable()
	}
	when := k.cat.T("mediator.never")
	if !st.LastSuccess.IsZero() {
		when = st.LastSuccess.Local().Format("02/01/2006 15:04")
	}
	s.LastSync.SetText(k.cat.T("mediator.last_sync", "when", when))
	s.Pending.SetText(k.cat.T("mediator.pending", "n", strconv.Itoa(st.Pending)))
	problem := k.cat.T("mediator.no_error")
	if st.LastError != "" {
		msg := st.LastError
		if key := st.ErrorKey(); key != "" {
			msg = k.cat.T(key)
		}
		problem = k.cat.T("mediator.error", "err", msg)
	}
	if key := st.ResetKey(); key != "" {
		// The journal was restored or cloned: say so, the mediator may
		// have a disk-restore tool to configure.
		problem += "\n" + k.cat.T(key, "when", st.Reset.Local().Format("02/01/2006 15:04"))
	}
	s.Problem.SetText(problem)
}

// RefreshMediator updates the mediator screen if it is on display; the sync
// client calls it (through fyne.Do) after each background sync.
func (k *Kiosk) RefreshMediator() { k.refreshMediator() }

func (k *Kiosk) syncNow(s *MediatorScreen) {
	s.SyncNow.Disable()
	s.Problem.SetText(k.cat.T("mediator.syncing"))
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		err := k.cfg.Mediator.SyncNow(ctx)
		k.cfg.Do(func() {
			s.SyncNow.Enable()
			k.refreshMediator()
			if err == nil {
				s.Problem.SetText(k.cat.T("mediator.synced"))
			} else if s.Problem.Text == k.cat.T("mediator.syncing") {
				slog.Warn("sync now", "err", err)
				s.Problem.SetText(k.cat.T("mediator.error", "err", k.cat.T(journal.SyncErrorKey("other"))))
			}
		})
	}()
}
