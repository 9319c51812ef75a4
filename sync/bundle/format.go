// Package bundle carries sync by USB stick ("sneakernet") for places with
// no network at all (docs/sync-protocol.md, "Bundles"): a device writes
// its unsent events to a bundle file, the server imports it and writes
// back a bundle for the device (the site's events, acknowledgements, the
// newest signed content pack), which the device imports. The same
// exactly-once rules as network sync hold: events are stored by id, a
// bundle imported twice changes nothing, and a bundle goes through the
// same checks as a push (the server's store, restored and cloned journals).
//
// A bundle is a tar file: manifest.json first, then its members, then a
// MAC over the manifest (which lists every member's size and SHA-256),
// keyed with the device's token as the server knows it (its SHA-256). So a
// truncated file (no MAC, or a short member), a damaged one (a checksum
// differs) and a forged one (the MAC differs) are each refused with their
// own message, and nothing is imported. Files are written beside their
// final name as NAME.part, synced, then renamed: a stick pulled out during
// the copy leaves a .part file nobody imports.
//
// This package holds the format and the device's side; package
// sync/bundlestore holds the server's.
package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// Format names the file format in every manifest.
const Format = "tremplin-bundle"

// Ext is the file name extension of bundles.
const Ext = ".tremplin"

// Kinds of bundle.
const (
	KindDevice = "device" // written by a device, imported by the server
	KindServer = "server" // written by the server for one device, imported by it
)

// Member names inside a bundle.
const (
	MemberEvents = "events.json.gz" // device: its unsent events; server: the site's events for the device
	MemberOwn    = "own.json.gz"    // server: the device's own events the server holds (its acknowledgements)
	MemberPack   = "pack.tar.gz"    // server: the newest signed content pack
	memberHead   = "manifest.json"
	memberMAC    = "mac"
)

// Limits: a bundle is read into memory.
const (
	MaxManifestBytes = 1 << 20
	MaxEventsBytes   = 512 << 20 // inflated events member
	MaxPackBytes     = 1 << 30
)

// Member is one file of a bundle, as the manifest lists it.
type Member struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Identity is a new identity the server made for a device whose bundle
// showed a restored or cloned journal (see Manifest.SpareKey).
type Identity struct {
	DeviceID   string `json:"device_id"`
	DeviceName string `json:"device_name"`
	Reason     string `json:"reason"` // "restored" or "copied"
}

// Manifest describes a bundle. It is covered by the MAC.
type Manifest struct {
	Format     string   `json:"format"`
	V          int      `json:"v"`
	Kind       string   `json:"kind"`
	ID         string   `json:"id"` // a UUIDv7 per bundle written
	CreatedMS  int64    `json:"created_ms"`
	DeviceID   string   `json:"device_id"`
	DeviceName string   `json:"device_name,omitempty"`
	SiteID     string   `json:"site_id"`
	SiteName   string   `json:"site_name,omitempty"`
	Members    []Member `json:"members"`
	Events     int      `json:"events"` // events in MemberEvents

	// Device bundles.
	LastSeq int64  `json:"last_seq,omitempty"` // the device's last seq when it wrote the bundle
	Cursor  string `json:"cursor,omitempty"`   // device: its pull cursor; server: the cursor after MemberEvents
	// SpareKey is a token the device proposes in advance, sealed with its
	// current one: if the server finds the journal restored or cloned, it
	// makes the device's new identity with it at once, and the next server
	// bundle hands the identity back (no network needed).
	SpareKey string `json:"spare_key,omitempty"`

	// Server bundles.
	Since     string         `json:"since,omitempty"` // MemberEvents holds the site's events after this cursor
	Own       int            `json:"own,omitempty"`   // events in MemberOwn
	DeviceSeq int64          `json:"device_seq,omitempty"`
	ServerHLC int64          `json:"server_hlc,omitempty"`
	ServerMS  int64          `json:"server_ms,omitempty"`
	Pack      *wire.PackInfo `json:"pack,omitempty"`
	Identity  *Identity      `json:"identity,omitempty"`
}

// Member returns the manifest's entry for name.
func (m *Manifest) Member(name string) (Member, bool) {
	for _, e := range m.Members {
		if e.Name == name {
			return e, true
		}
	}
	return Member{}, false
}

// Problem kinds of Error. Each has a plain message (Plain) and a
// translation key "bundle.error.KIND" on the kiosk.
const (
	ErrKindIncomplete  = "incomplete"   // truncated: the copy was interrupted
	ErrKindCorrupt     = "corrupt"      // not a bundle, or a checksum differs
	ErrKindForged      = "forged"       // the MAC does not match: not made by this device or its server
	ErrKindKind        = "wrong-kind"   // a device bundle given to a device, or the reverse
	ErrKindOtherDevice = "other-device" // made for another device
	ErrKindNotEnrolled = "not-enrolled" // the device has no identity on a server yet
	ErrKindUnknown     = "unknown-device"
	ErrKindRevoked     = "revoked"
	ErrKindReused      = "reused"      // a restored or cloned journal: a new identity is on its way
	ErrKindClockAhead  = "clock-ahead" // the device's clock runs far ahead
	ErrKindInvalid     = "invalid"     // an event fails validation
	ErrKindPack        = "pack"        // the pack inside was refused
	ErrKindAlready     = "already"     // this server bundle was already imported (before a change of identity)
	ErrKindIO          = "io"          // the file or the journal cannot be read or written
	ErrKindNothing     = "nothing"     // no bundle file found
)

// Error is a refused bundle. Nothing was imported.
type Error struct {
	Kind string
	Err  error
}

func (e *Error) Error() string { return "bundle: " + e.Kind + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// MessageKey is the translation key of the error (assets/i18n/bundle.*.json).
func (e *Error) MessageKey() string { return "bundle.error." + e.Kind }

// Plain says the error in plain French, for the server's command line and
// logs (the kiosk translates MessageKey).
func (e *Error) Plain() string {
	switch e.Kind {
	case ErrKindIncomplete:
		return "Ce fichier est incomplet : la copie a été interrompue (clé retirée trop tôt ?). Rien n'a été importé. Refaites la copie depuis l'ordinateur d'origine."
	case ErrKindCorrupt:
		return "Ce fichier est abîmé ou n'est pas un fichier d'échange Tremplin. Rien n'a été importé. Refaites la copie depuis l'ordinateur d'origine."
	case ErrKindForged:
		return "Ce fichier n'a pas été fait par ce poste ou par son serveur (signature fausse) : il est refusé. Rien n'a été importé."
	case ErrKindKind:
		return "Ce fichier ne s'importe pas ici : un fichier écrit par un poste s'importe sur le serveur, un fichier écrit par le serveur s'importe sur le poste."
	case ErrKindOtherDevice:
		return "Ce fichier a été préparé pour un autre poste. Rien n'a été importé."
	case ErrKindNotEnrolled:
		return "Ce poste n'est pas encore inscrit auprès d'un serveur : inscrivez-le une fois avec un code d'inscription."
	case ErrKindUnknown:
		return "Ce fichier vient d'un poste que ce serveur ne connaît pas (inscrit sur un autre serveur ?). Rien n'a été importé."
	case ErrKindRevoked:
		return "Ce poste a été retiré du serveur : ses fichiers sont refusés. Rien n'a été importé."
	case ErrKindReused:
		return "Ce poste a été restauré depuis une ancienne copie ou copié sur un autre ordinateur. Rien n'a été importé ; une nouvelle identité lui est donnée : écrivez un fichier pour ce poste, importez-le sur le poste, puis recopiez ses réponses. Rien n'est perdu."
	case ErrKindClockAhead:
		return "L'horloge de ce poste est très en avance. Rien n'a été importé : corrigez la date et l'heure du poste, puis refaites la copie."
	case ErrKindInvalid:
		return "Ce fichier contient des données invalides. Rien n'a été importé."
	case ErrKindPack:
		return "Le contenu pédagogique de ce fichier a été refusé (signature ou contenu invalide) ; le contenu actuel reste en place."
	case ErrKindAlready:
		return "Ce fichier a déjà été importé sur ce poste."
	case ErrKindNothing:
		return "Aucun fichier d'échange Tremplin n'a été trouvé."
	}
	return "Le fichier ne peut pas être lu ou écrit."
}

func fail(kind string, format string, args ...any) *Error {
	return &Error{Kind: kind, Err: fmt.Errorf(format, args...)}
}

// Key derives a bundle's keys from the device token's SHA-256 (what the
// device can compute and the server stores).
type Key struct{ mac, seal []byte }

// KeyFromToken derives the keys from a device token.
func KeyFromToken(token string) Key {
	h := sha256.Sum256([]byte(token))
	return keyFromHash(h[:])
}

// KeyFromTokenHash derives the keys from a token's hex SHA-256, as the
// server stores it.
func KeyFromTokenHash(hexHash string) (Key, error) {
	h, err := hex.DecodeString(hexHash)
	if err != nil || len(h) != sha256.Size {
		return Key{}, errors.New("bad token hash")
	}
	return keyFromHash(h), nil
}

func keyFromHash(h []byte) Key {
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, h)
		m.Write([]byte("tremplin-bundle-v1 " + label))
		return m.Sum(nil)
	}
	return Key{mac: derive("mac"), seal: derive("seal")}
}

func (k Key) sum(manifest []byte) []byte {
	m := hmac.New(sha256.New, k.mac)
	m.Write([]byte(Format + "\n"))
	m.Write(manifest)
	return m.Sum(nil)
}

// Seal encrypts a secret (a spare token) so only the key's holders read it.
func (k Key) Seal(secret string) string {
	block, _ := aes.NewCipher(k.seal)
	gcm, _ := cipher.NewGCM(block)
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(secret), nil))
}

// Open decrypts what Seal sealed.
func (k Key) Open(sealed string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return "", err
	}
	block, _ := aes.NewCipher(k.seal)
	gcm, _ := cipher.NewGCM(block)
	if len(raw) < gcm.NonceSize() {
		return "", errors.New("sealed secret too short")
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
	return string(plain), err
}

// Bundle is a bundle read from a file, checked for completeness and
// checksums but not yet authenticated (see Verify).
type Bundle struct {
	Manifest Manifest
	members  map[string][]byte
	head     []byte // the manifest's bytes, as covered by the MAC
	mac      []byte
}

// Data returns a member's bytes (nil if absent).
func (b *Bundle) Data(name string) []byte { return b.members[name] }

// Verify checks the MAC with key: a bundle not made with this device's
// token is refused.
func (b *Bundle) Verify(key Key) error {
	if !hmac.Equal(b.mac, key.sum(b.head)) {
		return fail(ErrKindForged, "the MAC of bundle %s does not match this device's key", b.Manifest.ID)
	}
	return nil
}

// Events decodes a gzip'd events member and validates every event.
func (b *Bundle) Events(name string) ([]wire.Event, error) {
	data := b.members[name]
	if data == nil {
		return nil, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fail(ErrKindCorrupt, "%s: %v", name, err)
	}
	plain, err := io.ReadAll(io.LimitReader(zr, MaxEventsBytes+1))
	if err != nil {
		return nil, fail(ErrKindCorrupt, "%s: %v", name, err)
	}
	if len(plain) > MaxEventsBytes {
		return nil, fail(ErrKindInvalid, "%s inflates beyond %d bytes", name, MaxEventsBytes)
	}
	var evs []wire.Event
	if err := json.Unmarshal(plain, &evs); err != nil {
		return nil, fail(ErrKindCorrupt, "%s: %v", name, err)
	}
	for i := range evs {
		if err := evs[i].Validate(); err != nil {
			return nil, fail(ErrKindInvalid, "%s: event %d: %v", name, i, err)
		}
	}
	return evs, nil
}

// EncodeEvents makes a gzip'd events member.
func EncodeEvents(evs []wire.Event) ([]byte, error) {
	if evs == nil {
		evs = []wire.Event{}
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(evs); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write writes a bundle into dir under name, atomically: to name.part,
// synced, then renamed, so a half-written file never bears the final name.
// The manifest's Members are filled from members (in the given order).
func Write(dir, name string, m Manifest, key Key, members []NamedData) (string, error) {
	m.Format, m.V = Format, 1
	m.Members = nil
	for _, nd := range members {
		sum := sha256.Sum256(nd.Data)
		m.Members = append(m.Members, Member{Name: nd.Name, Size: int64(len(nd.Data)), SHA256: hex.EncodeToString(sum[:])})
	}
	head, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return "", err
	}
	final := filepath.Join(dir, name)
	part := final + ".part"
	f, err := os.Create(part)
	if err != nil {
		return "", fail(ErrKindIO, "write bundle: %v", err)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(part)
		}
	}()
	tw := tar.NewWriter(f)
	mtime := time.UnixMilli(m.CreatedMS).UTC()
	add := func(name string, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: mtime, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	if err := add(memberHead, head); err != nil {
		return "", fail(ErrKindIO, "write bundle %s: %v", part, err)
	}
	for _, nd := range members {
		if err := add(nd.Name, nd.Data); err != nil {
			return "", fail(ErrKindIO, "write bundle %s: %v", part, err)
		}
	}
	headSum := sha256.Sum256(head)
	if err := add(memberMAC, []byte(hex.EncodeToString(headSum[:])+" "+hex.EncodeToString(key.sum(head)))); err != nil {
		return "", fail(ErrKindIO, "write bundle %s: %v", part, err)
	}
	if err := tw.Close(); err != nil {
		return "", fail(ErrKindIO, "write bundle %s: %v", part, err)
	}
	// On a USB stick the data must be on the stick before the name is.
	if err := f.Sync(); err != nil {
		return "", fail(ErrKindIO, "write bundle %s: %v", part, err)
	}
	if err := f.Close(); err != nil {
		return "", fail(ErrKindIO, "write bundle %s: %v", part, err)
	}
	if err := os.Rename(part, final); err != nil {
		return "", fail(ErrKindIO, "write bundle %s: %v", final, err)
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: FAT and Windows cannot sync a folder
		d.Close()
	}
	return final, nil
}

// NamedData is a member to write.
type NamedData struct {
	Name string
	Data []byte
}

// ReadFile reads and checks a bundle file: complete (every member and the
// MAC present), every member's checksum right. It does not authenticate it
// (Verify, once the key is known from the manifest's device).
func ReadFile(path string) (*Bundle, error) {
	if strings.HasSuffix(path, ".part") {
		return nil, fail(ErrKindIncomplete, "%s is a copy that did not finish", filepath.Base(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fail(ErrKindIO, "open bundle: %v", err)
	}
	defer f.Close()
	return Read(f)
}

// Read reads and checks a bundle (see ReadFile).
func Read(r io.Reader) (*Bundle, error) {
	tr := tar.NewReader(r)
	b := &Bundle{members: map[string][]byte{}}
	first := true
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, fail(ErrKindCorrupt, "not a bundle, or a damaged one: %v", err)
			}
			return nil, fail(ErrKindIncomplete, "the file ends in the middle: %v", err)
		}
		if first && h.Name != memberHead {
			return nil, fail(ErrKindCorrupt, "not a bundle: first member %q", h.Name)
		}
		limit := int64(MaxPackBytes)
		if first {
			limit = MaxManifestBytes
		}
		if h.Size > limit || h.Size < 0 {
			return nil, fail(ErrKindCorrupt, "member %q of %d bytes", h.Name, h.Size)
		}
		data, err := io.ReadAll(io.LimitReader(tr, h.Size+1))
		if err != nil || int64(len(data)) != h.Size {
			return nil, fail(ErrKindIncomplete, "the file ends in member %q", h.Name)
		}
		switch {
		case first:
			b.head = data
			if err := json.Unmarshal(data, &b.Manifest); err != nil || b.Manifest.Format != Format {
				return nil, fail(ErrKindCorrupt, "not a bundle manifest")
			}
			if b.Manifest.V != 1 {
				return nil, fail(ErrKindCorrupt, "bundle format version %d (this program reads 1)", b.Manifest.V)
			}
		case h.Name == memberMAC:
			// "sha256(manifest) MAC": a damaged manifest is told from a
			// forged one.
			sumHex, macHex, _ := strings.Cut(strings.TrimSpace(string(data)), " ")
			mac, err := hex.DecodeString(macHex)
			if err != nil || len(mac) == 0 {
				return nil, fail(ErrKindCorrupt, "unreadable MAC")
			}
			if sum := sha256.Sum256(b.head); sumHex != hex.EncodeToString(sum[:]) {
				return nil, fail(ErrKindCorrupt, "the manifest's checksum differs")
			}
			b.mac = mac
		default:
			want, ok := b.Manifest.Member(h.Name)
			if !ok {
				return nil, fail(ErrKindCorrupt, "member %q is not in the manifest", h.Name)
			}
			sum := sha256.Sum256(data)
			if want.Size != int64(len(data)) || want.SHA256 != hex.EncodeToString(sum[:]) {
				return nil, fail(ErrKindCorrupt, "member %q: checksum differs", h.Name)
			}
			b.members[h.Name] = data
		}
		first = false
		if b.mac != nil {
			break
		}
	}
	if first {
		return nil, fail(ErrKindIncomplete, "empty file")
	}
	for _, m := range b.Manifest.Members {
		if _, ok := b.members[m.Name]; !ok {
			return nil, fail(ErrKindIncomplete, "member %q is missing", m.Name)
		}
	}
	if b.mac == nil {
		return nil, fail(ErrKindIncomplete, "the file ends before its signature")
	}
	return b, nil
}

// accents spells French letters in ASCII for file names (FAT sticks,
// every system reads them).
var accents = strings.NewReplacer("à", "a", "â", "a", "ä", "a", "á", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "í", "i", "ô", "o", "ö", "o", "ó", "o", "ù", "u", "û", "u", "ü", "u", "ú", "u", "ÿ", "y", "œ", "oe", "æ", "ae")

// FileName makes a bundle's file name: tremplin-KIND-WHO-DATE.tremplin,
// with WHO reduced to letters, digits and dashes.
func FileName(kind, who string, at time.Time) string {
	var b strings.Builder
	for _, r := range accents.Replace(strings.ToLower(who)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
		if b.Len() >= 40 {
			break
		}
	}
	w := strings.Trim(b.String(), "-")
	if w == "" {
		w = "poste"
	}
	label := "poste"
	if kind == KindServer {
		label = "serveur"
	}
	return fmt.Sprintf("tremplin-%s-%s-%s%s", label, w, at.UTC().Format("20060102-150405"), Ext)
}

// ReadManifest reads only the manifest of a bundle file (the first
// member), to tell which bundle is for which device without reading the
// rest. It checks nothing else.
func ReadManifest(path string) (Manifest, error) {
	var m Manifest
	f, err := os.Open(path)
	if err != nil {
		return m, fail(ErrKindIO, "open bundle: %v", err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	h, err := tr.Next()
	if err != nil || h.Name != memberHead || h.Size > MaxManifestBytes {
		return m, fail(ErrKindCorrupt, "%s is not a bundle", filepath.Base(path))
	}
	data, err := io.ReadAll(io.LimitReader(tr, h.Size))
	if err != nil {
		return m, fail(ErrKindIncomplete, "%s ends in its manifest", filepath.Base(path))
	}
	if err := json.Unmarshal(data, &m); err != nil || m.Format != Format {
		return m, fail(ErrKindCorrupt, "%s is not a bundle", filepath.Base(path))
	}
	return m, nil
}

// FindFor returns the newest bundle of the given kind for deviceID in dir
// (a USB stick may hold one per device of a site), or "" if there is none.
// Unfinished copies (.part) are left alone.
func FindFor(dir, kind, deviceID string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fail(ErrKindIO, "read %s: %v", dir, err)
	}
	best, bestMS := "", int64(-1)
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), Ext) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		m, err := ReadManifest(p)
		if err != nil || m.Kind != kind || m.DeviceID != deviceID {
			continue
		}
		if m.CreatedMS > bestMS {
			best, bestMS = p, m.CreatedMS
		}
	}
	return best, nil
}
