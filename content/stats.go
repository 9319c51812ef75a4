package content

import (
	"io/fs"
	"sort"
	"strconv"
)

// Stats summarises a pack: what the diagnostic can draw on, and how much of
// it is voiced.
type Stats struct {
	Pack     string `json:"pack"`
	Version  string `json:"version"`
	Domains  int    `json:"domains"`
	Skills   int    `json:"skills"`
	Items    int    `json:"items"`
	Modules  int    `json:"modules"`
	Glossary int    `json:"glossary"`
	// ByDomain counts items per domain, then per level ("1", "2", "3").
	ByDomain map[string]map[string]int `json:"by_domain"`
	// ByDomainKind counts items per domain, then per kind.
	ByDomainKind map[string]map[string]int `json:"by_domain_kind"`
	// Questions counts items per domain that the diagnostic can show.
	Questions map[string]int `json:"questions"`
	// SkillsByDomain counts skills per domain.
	SkillsByDomain map[string]int `json:"skills_by_domain"`
	Kinds          map[string]int `json:"kinds"`
	Spoken         int            `json:"spoken_texts"`
	Voiced         int            `json:"voiced_texts"`
	// VoiceCoverage is the share of spoken texts with a clip, in percent.
	VoiceCoverage float64          `json:"voice_coverage"`
	ClipsByVoice  map[string]int   `json:"clips_by_voice"`
	Bytes         map[string]int64 `json:"bytes"`
	// Learn summarises the modules (ModuleStats).
	Learn ModuleStats `json:"learn"`
	// Pace is the speaking rate of the clips, in words per minute.
	Pace PaceSummary `json:"pace"`
	// Pictured counts questions with a picture (their own, or on their
	// choices or cards); PicturedShare is its share of questions, in percent.
	Pictured      int     `json:"pictured_questions"`
	PicturedShare float64 `json:"pictured_share"`
}

// HasPicture reports whether an item shows a picture: its own, or one on a
// choice or a card.
func (it *Item) HasPicture() bool {
	return len(it.imageFields()) > 0
}

// Stats counts the pack's content. extra are more spoken texts to count
// (the kiosk's own phrases).
func (p *Pack) Stats(extra []string) Stats {
	st := Stats{
		Pack: p.Meta.ID, Version: p.Meta.Version, Domains: len(p.Domains), Items: len(p.Items),
		Modules: len(p.Modules), Glossary: len(p.Glossary),
		ByDomain: map[string]map[string]int{}, ByDomainKind: map[string]map[string]int{},
		Questions: map[string]int{}, SkillsByDomain: map[string]int{}, Kinds: map[string]int{},
		ClipsByVoice: map[string]int{}, Bytes: map[string]int64{},
		Learn: p.ModuleStats(),
	}
	for _, d := range p.Domains {
		st.ByDomain[d.ID] = map[string]int{"1": 0, "2": 0, "3": 0}
		st.ByDomainKind[d.ID] = map[string]int{}
		for _, c := range d.Competences {
			st.Skills += len(c.Skills)
			st.SkillsByDomain[d.ID] += len(c.Skills)
		}
	}
	for _, it := range p.Items {
		if st.ByDomain[it.Domain] == nil {
			st.ByDomain[it.Domain] = map[string]int{}
			st.ByDomainKind[it.Domain] = map[string]int{}
		}
		st.ByDomain[it.Domain][strconv.Itoa(it.Level)]++
		st.ByDomainKind[it.Domain][it.Kind]++
		st.Kinds[it.Kind]++
		if IsQuestion(it.Kind) {
			st.Questions[it.Domain]++
			if it.HasPicture() {
				st.Pictured++
			}
		}
	}
	texts := p.SpokenTexts()
	for _, e := range extra {
		texts = append(texts, Text{Text: e})
	}
	seen := map[string]bool{}
	for _, t := range texts {
		k := VoiceKey(t.Text)
		if seen[k] {
			continue
		}
		seen[k] = true
		st.Spoken++
		if name, ok := p.ClipName(t.Text); ok {
			st.Voiced++
			for _, v := range Voices {
				if len(name) > len("voice/"+v) && name[:len("voice/"+v)+1] == "voice/"+v+"-" {
					st.ClipsByVoice[v]++
				}
			}
		}
	}
	if q := st.QuestionCount(); q > 0 {
		st.PicturedShare = float64(int(1000*float64(st.Pictured)/float64(q))) / 10
	}
	st.Pace = SummarisePaces(p.Paces(extra))
	if st.Spoken > 0 {
		st.VoiceCoverage = float64(int(1000*float64(st.Voiced)/float64(st.Spoken))) / 10
	}
	_ = fs.WalkDir(p.fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		top := path
		for i := range path {
			if path[i] == '/' {
				top = path[:i]
				break
			}
		}
		st.Bytes[top] += info.Size()
		st.Bytes["total"] += info.Size()
		return nil
	})
	return st
}

// QuestionCount is the number of items the diagnostic can show.
func (st Stats) QuestionCount() int {
	n := 0
	for _, q := range st.Questions {
		n += q
	}
	return n
}

// SortedKeys returns the keys of m in order.
func SortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
