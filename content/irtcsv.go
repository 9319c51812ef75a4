package content

import (
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"strconv"
	"strings"
)

// IRTFile is the optional pack file of calibrated item parameters, one
// row per item: id,a,b and optionally exposure (other columns, such as
// those tremplin-sim calibrate adds, are ignored). It is what field
// calibration produces (tremplin-sim calibrate --out, then tremplin-sim
// exposure --out), dropped into the pack without editing its items; its
// values win over an item's own irt field.
const IRTFile = "irt.csv"

// loadIRT applies IRTFile's parameters to the pack's items.
func (p *Pack) loadIRT(fsys fs.FS, probs *problems) {
	const f = IRTFile
	data, err := fs.ReadFile(fsys, f)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		probs.add(f, 0, "cannot read: %v", err)
		return
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	r.TrimLeadingSpace = true
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		probs.add(f, 1, "no header line (id,a,b[,exposure]): %v", err)
		return
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"id", "a", "b"} {
		if _, ok := col[need]; !ok {
			probs.add(f, 1, "header %v has no %q column (id,a,b[,exposure])", head, need)
			return
		}
	}
	expCol, hasExp := col["exposure"]
	seen := map[string]int{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			probs.add(f, line, "%v", err)
			return
		}
		field := func(c int) string {
			if c < len(rec) {
				return strings.TrimSpace(rec[c])
			}
			return ""
		}
		id := field(col["id"])
		i, ok := p.items[id]
		switch {
		case id == "":
			probs.add(f, line, "row without an item id")
			continue
		case !ok:
			probs.add(f, line, "item %q is not in the pack", id)
			continue
		case seen[id] > 0:
			probs.add(f, line, "item %q already has parameters on line %d", id, seen[id])
			continue
		}
		seen[id] = line
		a, errA := strconv.ParseFloat(field(col["a"]), 64)
		b, errB := strconv.ParseFloat(field(col["b"]), 64)
		if errA != nil || errB != nil || !(a > 0 && a <= 4) || !(b >= -4 && b <= 4) {
			probs.add(f, line, "item %q: a=%q b=%q out of range (0 < a ≤ 4, -4 ≤ b ≤ 4)", id, field(col["a"]), field(col["b"]))
			continue
		}
		irt := &IRT{A: a, B: b}
		if hasExp && field(expCol) != "" {
			k, err := strconv.ParseFloat(field(expCol), 64)
			if err != nil || !(k > 0 && k <= 1) {
				probs.add(f, line, "item %q: exposure %q out of range (0 < exposure ≤ 1)", id, field(expCol))
				continue
			}
			irt.Exposure = k
		}
		p.Items[i].IRT = irt
	}
}
