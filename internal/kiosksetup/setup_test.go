package kiosksetup

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type fakeAccounts struct{ users []string }

func (f *fakeAccounts) Exists(name string) (bool, error) { return slices.Contains(f.users, name), nil }
func (f *fakeAccounts) Create(name string) error {
	f.users = append(f.users, name)
	return nil
}

// A Mint-like lightdm.conf an administrator already edited, and Ubuntu's
// stock gdm3 custom.conf.
const lightdmConf = `# LightDM, set by the Login Window tool
[Seat:*]
greeter-session=slick-greeter
autologin-user=marie
`

const gdmConf = `# GDM configuration storage
[daemon]
# Uncomment the line below to force the login screen to use Xorg
#WaylandEnable=false

[security]

[debug]
#Enable=true
`

func write(t *testing.T, root, path, body string) {
	t.Helper()
	p := filepath.Join(root, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, root, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func exists(root, path string) bool {
	_, err := os.Stat(filepath.Join(root, path))
	return err == nil
}

func TestSetupAndUndoEveryDisplayManager(t *testing.T) {
	root := t.TempDir()
	write(t, root, "/etc/lightdm/lightdm.conf", lightdmConf)
	write(t, root, "/etc/gdm3/custom.conf", gdmConf)
	if err := os.MkdirAll(filepath.Join(root, "/etc/sddm.conf.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	acc := &fakeAccounts{}
	o := Options{Root: root, Exe: "/usr/local/bin/tremplin", Accounts: acc}
	rep, err := Setup(o)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.UserCreated || !slices.Equal(acc.users, []string{DefaultUser}) {
		t.Errorf("account: report %+v, created %v", rep, acc.users)
	}
	if !slices.Equal(rep.DisplayManager, []string{"lightdm", "gdm3", "sddm"}) {
		t.Errorf("display managers %v, want lightdm, gdm3, sddm", rep.DisplayManager)
	}
	light := read(t, root, "/etc/lightdm/lightdm.conf")
	for _, want := range []string{"autologin-user=tremplin-kiosk\n", "autologin-session=tremplin-kiosk\n", "autologin-user-timeout=0\n", "greeter-session=slick-greeter\n", "# LightDM, set by"} {
		if !strings.Contains(light, want) {
			t.Errorf("lightdm.conf lacks %q:\n%s", want, light)
		}
	}
	if strings.Contains(light, "marie") {
		t.Errorf("lightdm.conf still logs marie in:\n%s", light)
	}
	gdm := read(t, root, "/etc/gdm3/custom.conf")
	if !strings.Contains(gdm, "[daemon]\n# Uncomment the line below to force the login screen to use Xorg\n#WaylandEnable=false\nAutomaticLoginEnable=true\nAutomaticLogin=tremplin-kiosk\n\n[security]") {
		t.Errorf("custom.conf:\n%s", gdm)
	}
	if got := read(t, root, "/var/lib/AccountsService/users/tremplin-kiosk"); got != "[User]\nSession=tremplin-kiosk\nXSession=tremplin-kiosk\n" {
		t.Errorf("AccountsService:\n%s", got)
	}
	if got := read(t, root, "/etc/sddm.conf"); got != "[Autologin]\nUser=tremplin-kiosk\nSession=tremplin-kiosk.desktop\nRelogin=false\n" {
		t.Errorf("sddm.conf:\n%s", got)
	}
	session := read(t, root, sessionFile)
	if !strings.Contains(session, "\nExec=/usr/local/bin/tremplin kiosk-session\n") {
		t.Errorf("session file:\n%s", session)
	}

	// Twice: same files, the first run's old values kept for Undo.
	before := read(t, root, "/etc/lightdm/lightdm.conf")
	if _, err := Setup(o); err != nil {
		t.Fatal(err)
	}
	if after := read(t, root, "/etc/lightdm/lightdm.conf"); after != before {
		t.Errorf("second setup changed lightdm.conf:\n%s", after)
	}
	if len(acc.users) != 1 {
		t.Errorf("second setup created the account again: %v", acc.users)
	}

	rep, err = Undo(o)
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, root, "/etc/lightdm/lightdm.conf"); got != lightdmConf {
		t.Errorf("undo: lightdm.conf\n%s\nwant\n%s", got, lightdmConf)
	}
	if got := read(t, root, "/etc/gdm3/custom.conf"); got != gdmConf {
		t.Errorf("undo: custom.conf\n%s\nwant\n%s", got, gdmConf)
	}
	for _, gone := range []string{"/etc/sddm.conf", "/var/lib/AccountsService/users/tremplin-kiosk", sessionFile, ManifestPath} {
		if exists(root, gone) {
			t.Errorf("undo left %s", gone)
		}
	}
	if len(rep.Files) != 5 {
		t.Errorf("undo reported files %v, want 5", rep.Files)
	}
	if _, err := Undo(o); !errors.Is(err, ErrNotSetUp) {
		t.Errorf("second undo: %v, want ErrNotSetUp", err)
	}
}

func TestUndoLeavesLaterChangesAlone(t *testing.T) {
	root := t.TempDir()
	write(t, root, "/etc/lightdm/lightdm.conf", lightdmConf)
	write(t, root, "/usr/share/xsessions/tremplin-kiosk.desktop", "from the package\n")
	o := Options{Root: root, Exe: "/usr/bin/tremplin", Accounts: &fakeAccounts{users: []string{"borne"}}, User: "borne"}
	rep, err := Setup(o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.UserCreated {
		t.Error("an existing account reported as created")
	}
	if got := read(t, root, sessionFile); got != "from the package\n" {
		t.Errorf("the packaged session file was overwritten: %q", got)
	}
	// The administrator points autologin elsewhere and adds a key.
	conf := read(t, root, "/etc/lightdm/lightdm.conf")
	conf = strings.Replace(conf, "autologin-user=borne", "autologin-user=paul", 1) + "[Seat:*]\n"
	conf = strings.Replace(conf, "greeter-session=slick-greeter", "greeter-session=slick-greeter\ngreeter-hide-users=true", 1)
	write(t, root, "/etc/lightdm/lightdm.conf", conf)
	if _, err := Undo(o); err != nil {
		t.Fatal(err)
	}
	got := read(t, root, "/etc/lightdm/lightdm.conf")
	for _, want := range []string{"autologin-user=paul", "greeter-hide-users=true"} {
		if !strings.Contains(got, want) {
			t.Errorf("undo lost %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "autologin-session") {
		t.Errorf("undo left our session key:\n%s", got)
	}
	if !exists(root, sessionFile) {
		t.Error("undo removed the packaged session file")
	}
}

func TestSetupRefusals(t *testing.T) {
	root := t.TempDir()
	o := Options{Root: root, Exe: "/usr/bin/tremplin", Accounts: &fakeAccounts{}}
	if _, err := Setup(o); !errors.Is(err, ErrNoDisplayManager) {
		t.Errorf("no display manager: %v", err)
	}
	if exists(root, ManifestPath) {
		t.Error("a refused setup wrote a manifest")
	}
	write(t, root, "/etc/lightdm/lightdm.conf", "")
	if _, err := Setup(Options{Root: root, Exe: "tremplin", Accounts: &fakeAccounts{}}); err == nil {
		t.Error("a relative path to tremplin was accepted")
	}
	if _, err := Setup(o); err != nil {
		t.Fatal(err)
	}
	o.User = "other"
	if _, err := Setup(o); err == nil || !strings.Contains(err.Error(), "--undo") {
		t.Errorf("setup for a second account: %v", err)
	}
}

func TestINIEdits(t *testing.T) {
	f := parseINI("a=1\n\n[s]\nk = v\n# c\n\n[t]\nx=y\n")
	if v, ok := f.get("s", "k"); !ok || v != "v" {
		t.Errorf("get s.k = %q %v", v, ok)
	}
	f.set("s", "n", "2")
	f.set("u", "z", "3")
	want := "a=1\n\n[s]\nk = v\n# c\nn=2\n\n[t]\nx=y\n\n[u]\nz=3\n"
	if f.String() != want {
		t.Errorf("after set:\n%s\nwant\n%s", f, want)
	}
	f.unset("u", "z")
	f.unset("s", "n")
	if f.String() != "a=1\n\n[s]\nk = v\n# c\n\n[t]\nx=y\n" {
		t.Errorf("after unset:\n%s", f)
	}
}
