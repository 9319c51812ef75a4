package kiosksetup

import "strings"

// An iniFile is a display manager's configuration file (LightDM, GDM, SDDM
// and AccountsService all use the same "[section]" / "key=value" form),
// edited line by line so that every line we do not touch, comments
// included, stays exactly as it was.
type iniFile struct {
	lines []string
}

func parseINI(text string) *iniFile {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return &iniFile{}
	}
	return &iniFile{lines: strings.Split(text, "\n")}
}

func (f *iniFile) String() string {
	if len(f.lines) == 0 {
		return ""
	}
	return strings.Join(f.lines, "\n") + "\n"
}

// sectionName returns the name of a "[name]" line.
func sectionName(line string) (string, bool) {
	s := strings.TrimSpace(line)
	if len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' {
		return s[1 : len(s)-1], true
	}
	return "", false
}

// keyOf returns the key of a "key=value" line ("" for comments and blanks).
func keyOf(line string) (key, value string) {
	s := strings.TrimSpace(line)
	if s == "" || s[0] == '#' || s[0] == ';' {
		return "", ""
	}
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return "", ""
	}
	return strings.TrimSpace(k), strings.TrimSpace(v)
}

// find returns the line index of key in section (-1 if absent) and the
// index after the section's last line (-1 if the section is absent).
func (f *iniFile) find(section, key string) (at, end int) {
	at, end = -1, -1
	in := false
	for i, l := range f.lines {
		if name, ok := sectionName(l); ok {
			if in {
				return at, end
			}
			in = name == section
			if in {
				end = i + 1
			}
			continue
		}
		if !in {
			continue
		}
		if strings.TrimSpace(l) != "" {
			end = i + 1
		}
		if k, _ := keyOf(l); k == key && at < 0 {
			at = i
		}
	}
	return at, end
}

// get returns key's value in section.
func (f *iniFile) get(section, key string) (string, bool) {
	at, _ := f.find(section, key)
	if at < 0 {
		return "", false
	}
	_, v := keyOf(f.lines[at])
	return v, true
}

// set gives key a value in section, adding the section at the end when
// it is missing.
func (f *iniFile) set(section, key, value string) {
	line := key + "=" + value
	at, end := f.find(section, key)
	switch {
	case at >= 0:
		f.lines[at] = line
	case end >= 0:
		f.lines = append(f.lines[:end], append([]string{line}, f.lines[end:]...)...)
	default:
		if len(f.lines) > 0 && strings.TrimSpace(f.lines[len(f.lines)-1]) != "" {
			f.lines = append(f.lines, "")
		}
		f.lines = append(f.lines, "["+section+"]", line)
	}
}

// unset removes key from section; a section left with no line at all is
// removed too, with the blank line set before it.
func (f *iniFile) unset(section, key string) {
	at, _ := f.find(section, key)
	if at < 0 {
		return
	}
	f.lines = append(f.lines[:at], f.lines[at+1:]...)
	start := -1
	for i, l := range f.lines {
		if name, ok := sectionName(l); ok && name == section {
			start = i
		}
	}
	if start < 0 {
		return
	}
	for i := start + 1; i < len(f.lines); i++ {
		if _, ok := sectionName(f.lines[i]); ok {
			break
		}
		if strings.TrimSpace(f.lines[i]) != "" {
			return
		}
	}
	// Empty section: drop its header and the blank lines around it.
	stop := start + 1
	for stop < len(f.lines) && strings.TrimSpace(f.lines[stop]) == "" {
		stop++
	}
	for start > 0 && strings.TrimSpace(f.lines[start-1]) == "" {
		start--
	}
	f.lines = append(f.lines[:start], f.lines[stop:]...)
}

// empty reports whether the file holds no key at all.
func (f *iniFile) empty() bool {
	for _, l := range f.lines {
		if k, _ := keyOf(l); k != "" {
			return false
		}
	}
	return true
}
