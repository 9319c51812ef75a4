// Package event holds the typed payloads of the journal's events, one
// struct per event type, with the JSON names that are synced. The kiosk
// writes them, the sync server stores them untouched, and the dashboard,
// the mediator workspace and the calibration tools read them back through
// these types, so the synced schema never depends on a Go field name.
//
// Every type is documented, with its JSON shape, in docs/sync-protocol.md.
// A new field must be optional (omitempty, zero value meaning "not said")
// so that older journals keep decoding; a field is never renamed.
//
// Package event imports only the standard library: no Fyne, no SQL, no
// assessment, so the server and the web dashboard can use it.
package event

import (
	"encoding/json"
	"fmt"
)

// Event types. The first group is written by the kiosk since version 1;
// learner.renamed, learner.erased, path.assigned and module.mastered were
// reserved by the sync protocol; the rest came with visits that remember.
const (
	TypeLearnerCreated     = "learner.created"
	TypeSessionStarted     = "session.started"
	TypeAnswerRecorded     = "answer.recorded"
	TypeDiagnosticFinished = "diagnostic.finished"
	TypeSessionPaused      = "session.paused"
	TypeSessionResumed     = "session.resumed"

	TypeLearnerRenamed = "learner.renamed"
	TypeLearnerErased  = "learner.erased"
	TypePathAssigned   = "path.assigned"
	TypeModuleMastered = "module.mastered"

	TypeLearnerCodeAssigned = "learner.code.assigned"
	TypeLearnersLinked      = "learners.linked"
	TypeModuleStarted       = "module.started"
	TypePracticeAction      = "practice.action"
	TypePracticeAttempt     = "practice.attempt"

	TypeLearnerNoted = "learner.noted"

	TypeWarmupFinished = "warmup.finished"

	TypeGroupStarted = "group.started"
	TypeGroupJoined  = "group.joined"
	TypeGroupEnded   = "group.ended"

	TypeDeviceSettingsChanged = "device.settings_changed"
)

// Types lists every event type this package knows, in the order above.
var Types = []string{
	TypeLearnerCreated, TypeSessionStarted, TypeAnswerRecorded, TypeDiagnosticFinished,
	TypeSessionPaused, TypeSessionResumed,
	TypeLearnerRenamed, TypeLearnerErased, TypePathAssigned, TypeModuleMastered,
	TypeLearnerCodeAssigned, TypeLearnersLinked, TypeModuleStarted, TypePracticeAction, TypePracticeAttempt,
	TypeLearnerNoted, TypeWarmupFinished,
	TypeGroupStarted, TypeGroupJoined, TypeGroupEnded,
	TypeDeviceSettingsChanged,
}

// LearnerCreated is journaled when a person first starts something on a
// device. The kiosk creates every visitor anonymous; a name is only ever
// given by a mediator (learner.renamed).
type LearnerCreated struct {
	// Anonymous is true for a visitor the kiosk knows by nothing.
	Anonymous bool `json:"anonymous,omitempty"`
	// Name is a first name or nickname, when a mediator created the learner.
	Name string `json:"name,omitempty"`
	// PictureCode is set by older servers' imports; kiosks journal
	// learner.code.assigned instead.
	PictureCode string `json:"picture_code,omitempty"`
}

// LearnerRenamed sets a learner's display name; the highest hybrid clock
// wins across devices.
type LearnerRenamed struct {
	Name string `json:"name"`
	// MediatorSession is the mediator session (opened with the PIN) that
	// gave the name, when a mediator did.
	MediatorSession string `json:"mediator_session,omitempty"`
}

// LearnerNoted is a note a mediator wrote about a learner: kept in the
// journal and synced, shown in the mediator workspace and the dashboard,
// never to visitors. Erasing the learner erases their notes.
type LearnerNoted struct {
	Text string `json:"text"`
	// MediatorSession is the mediator session (opened with the PIN) that
	// wrote it.
	MediatorSession string `json:"mediator_session,omitempty"`
}

// LearnerErased is the tombstone of a learner: every other event of the
// learner is deleted on every device and on the server.
type LearnerErased struct {
	Reason string `json:"reason,omitempty"`
}

// LearnerCodeAssigned gives a learner the picture code they come back with
// on this device (the event's device_id). Codes are per device: the same
// code may name another learner on another device.
type LearnerCodeAssigned struct {
	// PictureCode is the pictograms' ids joined by "-", e.g.
	// "soleil-maison-chat-voiture".
	PictureCode string `json:"picture_code"`
}

// LearnersLinked says that learners seen on several devices are one person
// (a mediator linked them). The event's learner_id is the learner kept;
// readers fold the others into it.
type LearnersLinked struct {
	// Linked are the other learner ids, now the same person.
	Linked []string `json:"linked"`
}

// SessionStarted opens a session: a diagnostic or a module.
type SessionStarted struct {
	SessionID   string `json:"session_id"`
	Mode        string `json:"mode"` // "diagnostic" or "module"
	Pack        string `json:"pack"`
	PackVersion string `json:"pack_version"`
	Language    string `json:"language,omitempty"`
	// Module is the module practised, in mode "module".
	Module string `json:"module,omitempty"`
	// Retake is true when the learner already finished a diagnostic: the
	// results will show before and after.
	Retake bool `json:"retake,omitempty"`
}

// Session modes.
const (
	ModeDiagnostic = "diagnostic"
	ModeModule     = "module"
)

// Outcome names, as journaled.
const (
	OutcomeCorrect   = "correct"
	OutcomeIncorrect = "incorrect"
	OutcomeDontKnow  = "dont_know"
)

// AnswerRecorded is one answer to a diagnostic question, journaled before
// the visitor sees it acknowledged.
type AnswerRecorded struct {
	LearnerID string `json:"learner_id"`
	SessionID string `json:"session_id"`
	ItemID    string `json:"item_id"`
	Skill     string `json:"skill"`
	Domain    string `json:"domain"`
	Kind      string `json:"kind"`
	// Outcome is OutcomeCorrect, OutcomeIncorrect or OutcomeDontKnow.
	Outcome  string   `json:"outcome"`
	Correct  bool     `json:"correct"`
	Response Response `json:"response"`
	// ShownMS is how long the question was on screen before the answer.
	ShownMS int64 `json:"shown_ms,omitempty"`
	// ChoiceOrder is the pack's choice shown in each place (choices are
	// shuffled per visit), so the position picked can be studied.
	ChoiceOrder []int `json:"choice_order,omitempty"`
}

// Response is what the visitor answered. Choices are indexes into the
// pack's choices (not the places shown), Order step ids, Groups maps a card
// id to its group id, X and Y a tap relative to the picture (0..1).
type Response struct {
	DontKnow bool              `json:"dont_know,omitempty"`
	Choices  []int             `json:"choices,omitempty"`
	Text     string            `json:"text,omitempty"`
	X        float64           `json:"x,omitempty"`
	Y        float64           `json:"y,omitempty"`
	Order    []string          `json:"order,omitempty"`
	Groups   map[string]string `json:"groups,omitempty"`
}

// UnmarshalJSON reads a response, including those of kiosks before this
// package, which wrote Go field names ("DontKnow", "Choices"…): every other
// name matches case-insensitively, "DontKnow" needs its own key.
func (r *Response) UnmarshalJSON(b []byte) error {
	type plain Response
	var v struct {
		plain
		Legacy *bool `json:"DontKnow"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("answer response: %w", err)
	}
	*r = Response(v.plain)
	if v.Legacy != nil && *v.Legacy {
		r.DontKnow = true
	}
	return nil
}

// DiagnosticFinished closes a diagnostic with its result per domain. It is
// the learner's history: every finished diagnostic is one of these.
type DiagnosticFinished struct {
	SessionID string `json:"session_id"`
	// Items is the number of questions answered.
	Items   int            `json:"items"`
	Results []DomainResult `json:"results"`
	// Stopped is true when the visitor chose to stop before the end.
	Stopped bool `json:"stopped,omitempty"`
	// Previous is the session id of the learner's diagnostic this one is
	// compared with, on a retake.
	Previous string `json:"previous_session_id,omitempty"`
	// Evolution is the comparison with Previous, per domain answered both
	// times.
	Evolution []DomainEvolution `json:"evolution,omitempty"`
}

// DomainResult is a diagnostic's result in one domain. Its JSON names are
// those of assessment.DomainResult, which the kiosk journaled before this
// package existed.
type DomainResult struct {
	Domain string `json:"domain"`
	// Band is the level band 0..3; BandProb how sure the diagnostic is.
	Band     int     `json:"band"`
	BandProb float64 `json:"band_prob"`
	// Theta is the ability estimate and SE its standard error.
	Theta float64 `json:"theta"`
	SE    float64 `json:"se"`
	// PlainTheta and PlainSE ignore the other domains' evidence.
	PlainTheta float64 `json:"plain_theta"`
	PlainSE    float64 `json:"plain_se"`
	// Prior is the domain's plain prior.
	Prior Normal `json:"prior"`
	// Items answers in the domain, Correct right, DontKnow "Je ne sais pas".
	Items    int  `json:"items"`
	Correct  int  `json:"correct"`
	DontKnow int  `json:"dont_know"`
	Done     bool `json:"done"`
	// Recommended are the skills to work on, easiest first.
	Recommended []string `json:"recommended"`
}

// Normal is a normal distribution of ability.
type Normal struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
}

// Evolution labels (see docs/architecture.md for the rule).
const (
	EvolutionUp     = "up"
	EvolutionDown   = "down"
	EvolutionStable = "stable"
)

// DomainEvolution compares a domain's result before and after.
type DomainEvolution struct {
	Domain     string  `json:"domain"`
	BeforeBand int     `json:"before_band"`
	AfterBand  int     `json:"after_band"`
	Delta      float64 `json:"delta"` // after theta minus before theta
	// Label is EvolutionUp, EvolutionDown or EvolutionStable.
	Label string `json:"label"`
}

// SessionPaused is journaled when a visitor leaves mid-session (idle, or a
// killed kiosk nobody resumed): State holds the diagnostic's state so a
// mediator can see how far they went.
type SessionPaused struct {
	SessionID string `json:"session_id"`
	Items     int    `json:"items,omitempty"`
	// Reason is "idle", "interrupted" or "unresumable".
	Reason string `json:"reason"`
	State  string `json:"state,omitempty"`
}

// SessionResumed is journaled when an interrupted session is taken up again.
type SessionResumed struct {
	SessionID string `json:"session_id"`
	Items     int    `json:"items"`
}

// Warm-up outcomes (WarmupFinished.Outcome).
const (
	WarmupPassed    = "passed"
	WarmupSkipped   = "skipped"
	WarmupStruggled = "struggled"
)

// WarmupFinished is journaled when a new visitor ends the mouse warm-up
// shown before their first diagnostic: passed, skipped ("I can use a
// mouse") or struggled (they chose to learn the mouse first, and no
// diagnostic was started).
type WarmupFinished struct {
	// Outcome is WarmupPassed, WarmupSkipped or WarmupStruggled.
	Outcome string `json:"outcome"`
	// Misses counts clicks beside the target.
	Misses int `json:"misses,omitempty"`
	// MS is the time from the warm-up's screen to its end, in milliseconds.
	MS int64 `json:"ms"`
}

// PathAssigned gives a learner (or, with no learner_id, everyone) a
// learning path chosen by a mediator, on the kiosk or the web dashboard.
type PathAssigned struct {
	PathID string `json:"path_id"`
	// Modules are the pack's modules teaching Skills, in the path's order.
	Modules []string `json:"modules"`
	// Name is the path's name, as the mediator typed it.
	Name string `json:"name,omitempty"`
	// Skills are the skills picked, in order.
	Skills []string `json:"skills,omitempty"`
	// By is the dashboard user who pushed the path.
	By string `json:"by,omitempty"`
	// MediatorSession is the kiosk's mediator session (opened with the
	// PIN) that assigned it.
	MediatorSession string `json:"mediator_session,omitempty"`
}

// ModuleStarted opens a module's practice for a learner.
type ModuleStarted struct {
	SessionID string `json:"session_id"`
	Module    string `json:"module"`
}

// PracticeAction is one thing a learner did in a practice sandbox.
type PracticeAction struct {
	SessionID string  `json:"session_id"`
	Module    string  `json:"module"`
	ItemID    string  `json:"item_id"`
	Kind      string  `json:"kind"`
	Target    string  `json:"target,omitempty"`
	Value     string  `json:"value,omitempty"`
	X         float64 `json:"x,omitempty"`
	Y         float64 `json:"y,omitempty"`
}

// PracticeAttempt is how one attempt at a module's practice item ended, and
// the skill's knowledge-tracing probability after it.
type PracticeAttempt struct {
	SessionID string `json:"session_id"`
	Module    string `json:"module"`
	ItemID    string `json:"item_id"`
	Skill     string `json:"skill"`
	// Outcome is OutcomeCorrect, OutcomeIncorrect or OutcomeDontKnow.
	Outcome  string             `json:"outcome"`
	Hints    int                `json:"hints,omitempty"`
	Measures map[string]float64 `json:"measures,omitempty"`
	// Known is the probability the skill is known after this attempt.
	Known float64 `json:"known"`
}

// ModuleMastered is journaled once when a learner's practice shows a skill
// of a module mastered (knowledge tracing reached the threshold).
type ModuleMastered struct {
	SessionID string  `json:"session_id,omitempty"`
	Module    string  `json:"module"`
	Skill     string  `json:"skill,omitempty"`
	Known     float64 `json:"known,omitempty"`
}

// GroupStarted is journaled (with no learner) when a mediator starts a
// group session for outreach ("Atelier du mardi", 6 people) on a device.
type GroupStarted struct {
	GroupID string `json:"group_id"`
	Name    string `json:"name"`
	// People is how many participants the mediator expects (0: not said).
	People          int    `json:"people,omitempty"`
	MediatorSession string `json:"mediator_session,omitempty"`
}

// GroupJoined tags a learner (the event's learner id) as a participant of
// a group session: what they do on the device while the session is open
// is the group's.
type GroupJoined struct {
	GroupID string `json:"group_id"`
}

// GroupEnded is journaled (with no learner) when the mediator ends the
// group session.
type GroupEnded struct {
	GroupID         string `json:"group_id"`
	MediatorSession string `json:"mediator_session,omitempty"`
}

// DeviceSettingsChanged is journaled (with no learner) when a mediator
// changes the device's settings: which ones, never their values (they stay
// in the device's state; the PIN's hash never leaves it).
type DeviceSettingsChanged struct {
	Keys            []string `json:"keys"`
	MediatorSession string   `json:"mediator_session,omitempty"`
}

// New returns a pointer to the zero payload of an event type, to decode
// into, or nil for a type this package does not know.
func New(typ string) any {
	switch typ {
	case TypeLearnerCreated:
		return &LearnerCreated{}
	case TypeSessionStarted:
		return &SessionStarted{}
	case TypeAnswerRecorded:
		return &AnswerRecorded{}
	case TypeDiagnosticFinished:
		return &DiagnosticFinished{}
	case TypeSessionPaused:
		return &SessionPaused{}
	case TypeSessionResumed:
		return &SessionResumed{}
	case TypeLearnerRenamed:
		return &LearnerRenamed{}
	case TypeLearnerErased:
		return &LearnerErased{}
	case TypePathAssigned:
		return &PathAssigned{}
	case TypeModuleMastered:
		return &ModuleMastered{}
	case TypeLearnerCodeAssigned:
		return &LearnerCodeAssigned{}
	case TypeLearnersLinked:
		return &LearnersLinked{}
	case TypeModuleStarted:
		return &ModuleStarted{}
	case TypePracticeAction:
		return &PracticeAction{}
	case TypePracticeAttempt:
		return &PracticeAttempt{}
	case TypeLearnerNoted:
		return &LearnerNoted{}
	case TypeWarmupFinished:
		return &WarmupFinished{}
	case TypeGroupStarted:
		return &GroupStarted{}
	case TypeGroupJoined:
		return &GroupJoined{}
	case TypeGroupEnded:
		return &GroupEnded{}
	case TypeDeviceSettingsChanged:
		return &DeviceSettingsChanged{}
	}
	return nil
}

// Decode decodes the payload of an event of type typ into its struct (a
// pointer, as New returns). A null or empty payload decodes to the zero
// struct; an unknown type is an error.
func Decode(typ string, payload []byte) (any, error) {
	v := New(typ)
	if v == nil {
		return nil, fmt.Errorf("event type %q: unknown", typ)
	}
	if len(payload) == 0 || string(payload) == "null" {
		return v, nil
	}
	if err := json.Unmarshal(payload, v); err != nil {
		return nil, fmt.Errorf("decode %s payload: %w", typ, err)
	}
	return v, nil
}

// DecodeInto decodes payload into v (a pointer to one of this package's
// structs); a null or empty payload leaves v zero.
func DecodeInto(payload []byte, v any) error {
	if len(payload) == 0 || string(payload) == "null" {
		return nil
	}
	return json.Unmarshal(payload, v)
}
