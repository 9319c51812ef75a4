// Package kiosksetup turns a Linux computer into a Tremplin kiosk and back:
// a dedicated local account logs in automatically, through the display
// manager already installed (LightDM, GDM or SDDM), into a session that
// runs only `tremplin --kiosk` and starts it again if it stops
// (`tremplin kiosk-session`, see Session).
//
// Every change is recorded in a manifest so that Undo reverts exactly the
// keys and files Setup wrote, leaving anything an administrator changed
// meanwhile alone. The account and its data (the kiosk's journal) are never
// deleted: answers not yet synced must not be lost.
package kiosksetup

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// SessionName is the X session Setup logs the kiosk account into; its
// desktop file is /usr/share/xsessions/tremplin-kiosk.desktop.
const SessionName = "tremplin-kiosk"

// DefaultUser is the dedicated account's name.
const DefaultUser = "tremplin-kiosk"

// ManifestPath is where Setup records what it changed, under the root.
const ManifestPath = "/var/lib/tremplin/kiosk-setup.json"

// sessionFile is the session's desktop file; the .deb ships it, Setup
// writes it for other installs (the portable .tar.xz).
const sessionFile = "/usr/share/xsessions/" + SessionName + ".desktop"

// ErrNoDisplayManager means no supported display manager is installed.
var ErrNoDisplayManager = errors.New("no display manager found (LightDM, GDM or SDDM)")

// ErrNotSetUp means Undo found no manifest: Setup never ran here.
var ErrNotSetUp = errors.New("kiosk-setup has not been run on this computer")

// Accounts creates the kiosk account; the real one runs useradd, tests
// use a fake.
type Accounts interface {
	// Exists reports whether the account exists.
	Exists(name string) (bool, error)
	// Create makes a local account with a home folder and no password
	// (it can only log in automatically).
	Create(name string) error
}

// Options says where and for whom to set up the kiosk.
type Options struct {
	// Root is the file system root ("/" on a real computer, a folder in tests
	// or when preparing a system image).
	Root string
	// User is the kiosk account (DefaultUser when empty).
	User string
	// Exe is the absolute path of the tremplin binary the session runs.
	Exe string
	// Accounts creates the account (UserAdd{Root} when nil).
	Accounts Accounts
}

// Report says what Setup or Undo did, for the administrator.
type Report struct {
	User           string   // the kiosk account
	UserCreated    bool     // Setup created it (Undo never deletes it)
	DisplayManager []string // the display managers configured
	Files          []string // files written, edited, restored or removed
}

// A displayManager is where one display manager keeps its autologin keys.
type displayManager struct {
	name    string
	detect  []string // it is installed when one of these exists
	file    string   // the configuration file edited
	section string
	keys    func(user string) [][2]string
}

var displayManagers = []displayManager{
	{
		name:    "lightdm",
		detect:  []string{"/etc/lightdm", "/usr/sbin/lightdm"},
		file:    "/etc/lightdm/lightdm.conf",
		section: "Seat:*",
		keys: func(u string) [][2]string {
			return [][2]string{{"autologin-user", u}, {"autologin-user-timeout", "0"}, {"autologin-session", SessionName}}
		},
	},
	{
		name:    "gdm3",
		detect:  []string{"/etc/gdm3", "/usr/sbin/gdm3"},
		file:    "/etc/gdm3/custom.conf",
		section: "daemon",
		keys: func(u string) [][2]string {
			return [][2]string{{"AutomaticLoginEnable", "true"}, {"AutomaticLogin", u}}
		},
	},
	{
		name:    "gdm",
		detect:  []string{"/etc/gdm/custom.conf", "/usr/sbin/gdm"},
		file:    "/etc/gdm/custom.conf",
		section: "daemon",
		keys: func(u string) [][2]string {
			return [][2]string{{"AutomaticLoginEnable", "true"}, {"AutomaticLogin", u}}
		},
	},
	{
		name:    "sddm",
		detect:  []string{"/etc/sddm.conf", "/etc/sddm.conf.d", "/usr/bin/sddm"},
		file:    "/etc/sddm.conf",
		section: "Autologin",
		keys: func(u string) [][2]string {
			return [][2]string{{"User", u}, {"Session", SessionName + ".desktop"}, {"Relogin", "false"}}
		},
	},
}

// manifest records Setup's changes so Undo can revert them.
type manifest struct {
	User        string   `json:"user"`
	UserCreated bool     `json:"user_created"`
	Managers    []string `json:"display_managers"`
	Edits       []edit   `json:"edits"`
}

// An edit is one key Setup set in one file, with what was there before.
type edit struct {
	File    string `json:"file"`
	Created bool   `json:"created,omitempty"` // the file did not exist
	Section string `json:"section,omitempty"` // "" for a whole file Setup wrote
	Key     string `json:"key,omitempty"`
	Had     bool   `json:"had,omitempty"` // the key was there before
	Old     string `json:"old,omitempty"` // its value then
	New     string `json:"new"`           // the value (or whole file) Setup wrote
}

func (o *Options) path(p string) string { return filepath.Join(o.Root, p) }

func (o *Options) defaults() {
	if o.Root == "" {
		o.Root = "/"
	}
	if o.User == "" {
		o.User = DefaultUser
	}
	if o.Accounts == nil {
		o.Accounts = UserAdd{Root: o.Root}
	}
}

// Setup creates the kiosk account if needed and makes every installed
// display manager log it in automatically into the kiosk session. Running
// it again changes nothing more.
func Setup(o Options) (Report, error) {
	o.defaults()
	if !filepath.IsAbs(o.Exe) {
		return Report{}, fmt.Errorf("tremplin's path %q is not absolute", o.Exe)
	}
	var dms []displayManager
	for _, dm := range displayManagers {
		for _, d := range dm.detect {
			if _, err := os.Stat(o.path(d)); err == nil {
				dms = append(dms, dm)
				break
			}
		}
	}
	if len(dms) == 0 {
		return Report{}, ErrNoDisplayManager
	}
	m, err := readManifest(o)
	if errors.Is(err, fs.ErrNotExist) {
		m = &manifest{User: o.User}
	} else if err != nil {
		return Report{}, err
	}
	if m.User != o.User {
		return Report{}, fmt.Errorf("the kiosk is already set up for the account %s: run kiosk-setup --undo first", m.User)
	}
	rep := Report{User: o.User}
	exists, err := o.Accounts.Exists(o.User)
	if err != nil {
		return rep, fmt.Errorf("look up account %s: %w", o.User, err)
	}
	if !exists {
		if err := o.Accounts.Create(o.User); err != nil {
			return rep, fmt.Errorf("create account %s: %w", o.User, err)
		}
		m.UserCreated = true
	}
	rep.UserCreated = m.UserCreated
	// Record before changing anything, and after each file, so an
	// interrupted Setup can still be undone.
	if err := writeManifest(o, m); err != nil {
		return rep, err
	}
	if _, err := os.Stat(o.path(sessionFile)); errors.Is(err, fs.ErrNotExist) {
		body := sessionDesktop(o.Exe)
		if err := writeFile(o.path(sessionFile), body); err != nil {
			return rep, err
		}
		m.Edits = append(m.Edits, edit{File: sessionFile, Created: true, New: body})
		rep.Files = append(rep.Files, sessionFile)
		if err := writeManifest(o, m); err != nil {
			return rep, err
		}
	}
	for _, dm := range dms {
		if err := m.setKeys(o, dm.file, dm.section, dm.keys(o.User)); err != nil {
			return rep, err
		}
		rep.Files = append(rep.Files, dm.file)
		rep.DisplayManager = append(rep.DisplayManager, dm.name)
		if !slices.Contains(m.Managers, dm.name) {
			m.Managers = append(m.Managers, dm.name)
		}
		if dm.name == "gdm3" || dm.name == "gdm" {
			// GDM takes the session of an automatic login from AccountsService.
			f := "/var/lib/AccountsService/users/" + o.User
			if err := m.setKeys(o, f, "User", [][2]string{{"Session", SessionName}, {"XSession", SessionName}}); err != nil {
				return rep, err
			}
			rep.Files = append(rep.Files, f)
		}
		if err := writeManifest(o, m); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// setKeys sets keys in a configuration file, recording the old values of
// keys not already recorded.
func (m *manifest) setKeys(o Options, file, section string, keys [][2]string) error {
	b, err := os.ReadFile(o.path(file))
	created := errors.Is(err, fs.ErrNotExist)
	if err != nil && !created {
		return fmt.Errorf("read %s: %w", file, err)
	}
	f := parseINI(string(b))
	for _, kv := range keys {
		i := slices.IndexFunc(m.Edits, func(e edit) bool { return e.File == file && e.Section == section && e.Key == kv[0] })
		if i < 0 {
			old, had := f.get(section, kv[0])
			m.Edits = append(m.Edits, edit{File: file, Created: created, Section: section, Key: kv[0], Had: had, Old: old, New: kv[1]})
		}
		f.set(section, kv[0], kv[1])
	}
	if err := writeFile(o.path(file), f.String()); err != nil {
		return err
	}
	return nil
}

// Undo reverts what Setup recorded: each key it set gets its old value back
// (or goes), files it created go once nothing else is in them, a key an
// administrator changed since is left alone. The account and its data stay.
func Undo(o Options) (Report, error) {
	o.defaults()
	m, err := readManifest(o)
	if errors.Is(err, fs.ErrNotExist) {
		return Report{}, ErrNotSetUp
	}
	if err != nil {
		return Report{}, err
	}
	rep := Report{User: m.User, UserCreated: m.UserCreated, DisplayManager: m.Managers}
	// Group the edits by file, in the order Setup made them.
	var files []string
	for _, e := range m.Edits {
		if !slices.Contains(files, e.File) {
			files = append(files, e.File)
		}
	}
	for _, file := range files {
		b, err := os.ReadFile(o.path(file))
		if errors.Is(err, fs.ErrNotExist) {
			continue // already gone
		}
		if err != nil {
			return rep, fmt.Errorf("read %s: %w", file, err)
		}
		created := false
		var f *iniFile
		whole := false
		for _, e := range m.Edits {
			if e.File != file {
				continue
			}
			created = created || e.Created
			if e.Section == "" {
				whole = string(b) == e.New
				continue
			}
			if f == nil {
				f = parseINI(string(b))
			}
			if cur, ok := f.get(e.Section, e.Key); !ok || cur != e.New {
				continue // changed since: not ours any more
			}
			if e.Had {
				f.set(e.Section, e.Key, e.Old)
			} else {
				f.unset(e.Section, e.Key)
			}
		}
		switch {
		case f == nil && whole, f != nil && created && f.empty():
			if err := os.Remove(o.path(file)); err != nil {
				return rep, fmt.Errorf("remove %s: %w", file, err)
			}
		case f != nil:
			if err := writeFile(o.path(file), f.String()); err != nil {
				return rep, err
			}
		default:
			continue // a file we wrote whole, changed since: left alone
		}
		rep.Files = append(rep.Files, file)
	}
	if err := os.Remove(o.path(ManifestPath)); err != nil {
		return rep, fmt.Errorf("remove %s: %w", ManifestPath, err)
	}
	return rep, nil
}

func sessionDesktop(exe string) string {
	return `[Desktop Entry]
Type=Application
Name=Tremplin (kiosk)
Name[fr]=Tremplin (borne)
Comment=Only the Tremplin kiosk, full screen, started again if it stops
Comment[fr]=Seulement la borne Tremplin, en plein écran, relancée si elle s'arrête
Exec=` + exe + ` kiosk-session
TryExec=` + exe + `
`
}

func readManifest(o Options) (*manifest, error) {
	b, err := os.ReadFile(o.path(ManifestPath))
	if err != nil {
		return nil, err
	}
	m := &manifest{}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("read %s: %w", ManifestPath, err)
	}
	return m, nil
}

func writeManifest(o Options, m *manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(o.path(ManifestPath), string(b)+"\n")
}

// writeFile replaces a file atomically (a display manager reading it
// meanwhile sees the old or the new file, never half of one), keeping
// its permissions (0644 for a new file).
func writeFile(path, body string) error {
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tremplin-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(body); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// UserAdd manages accounts with the shadow tools (useradd), in the
// system rooted at Root.
type UserAdd struct{ Root string }

// Exists implements Accounts by reading Root's /etc/passwd.
func (u UserAdd) Exists(name string) (bool, error) {
	b, err := os.ReadFile(filepath.Join(u.Root, "etc/passwd"))
	if err != nil {
		return false, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if n, _, ok := strings.Cut(line, ":"); ok && n == name {
			return true, nil
		}
	}
	return false, nil
}

// Create implements Accounts with useradd: a home folder, a shell (display
// managers refuse accounts without one), a locked password.
func (u UserAdd) Create(name string) error {
	args := []string{"--create-home", "--user-group", "--shell", "/bin/bash", "--comment", "Tremplin kiosk"}
	if u.Root != "" && u.Root != "/" {
		args = append(args, "--prefix", u.Root)
	}
	out, err := exec.Command("useradd", append(args, name)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("useradd: %w: %s", err, out)
	}
	return nil
}
