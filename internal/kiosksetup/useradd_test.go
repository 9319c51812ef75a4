package kiosksetup

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestSetupCreatesAccountInTempRoot runs the real useradd on a throwaway
// root (useradd --prefix): the account appears in that root's passwd with
// a locked password and a home folder, and the host is untouched.
func TestSetupCreatesAccountInTempRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("useradd needs root")
	}
	if _, err := exec.LookPath("useradd"); err != nil {
		t.Skip("no useradd")
	}
	root := t.TempDir()
	write(t, root, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
	write(t, root, "/etc/group", "root:x:0:\n")
	write(t, root, "/etc/shadow", "root:*:20000:0:99999:7:::\n")
	write(t, root, "/etc/gshadow", "root:*::\n")
	write(t, root, "/etc/lightdm/lightdm.conf", "")
	if err := os.MkdirAll(root+"/home", 0o755); err != nil {
		t.Fatal(err)
	}
	hostBefore, _ := os.ReadFile("/etc/passwd")
	rep, err := Setup(Options{Root: root, Exe: "/usr/bin/tremplin"})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.UserCreated {
		t.Error("account not reported as created")
	}
	if !strings.Contains(read(t, root, "/etc/passwd"), "\ntremplin-kiosk:x:") {
		t.Errorf("passwd:\n%s", read(t, root, "/etc/passwd"))
	}
	if !strings.Contains(read(t, root, "/etc/shadow"), "\ntremplin-kiosk:!") {
		t.Errorf("the account's password is not locked:\n%s", read(t, root, "/etc/shadow"))
	}
	if !exists(root, "/home/tremplin-kiosk") {
		t.Error("no home folder")
	}
	if hostAfter, _ := os.ReadFile("/etc/passwd"); string(hostAfter) != string(hostBefore) {
		t.Error("the host's /etc/passwd changed")
	}
	if ok, err := (UserAdd{Root: root}).Exists("tremplin-kiosk"); !ok || err != nil {
		t.Errorf("Exists after useradd: %v %v", ok, err)
	}
}
