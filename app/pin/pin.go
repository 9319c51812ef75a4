// Package pin hashes and checks the mediator's PIN with argon2id, so the
// journal keeps only a hash a lost laptop cannot turn back into the PIN.
package pin

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id cost: about 50 ms on the project's 2-core machines, a pause a
// mediator does not notice and a guesser pays for every try.
const (
	memoryKiB = 32 * 1024
	passes    = 2
	threads   = 2
	keyLen    = 32
	saltLen   = 16
)

// MinLength is the shortest new PIN accepted: 6 digits, a million PINs,
// which the exponential lockout (Lockout) makes impractical to try on an
// unattended kiosk. PINs set before with 4 digits keep working.
const MinLength = 6

// ErrTooShort and ErrNotDigits explain why a new PIN is refused.
var (
	ErrTooShort  = fmt.Errorf("a PIN needs at least %d digits", MinLength)
	ErrNotDigits = errors.New("a PIN is made of digits only")
)

// Check reports whether a new PIN is acceptable.
func Check(p string) error {
	if len([]rune(p)) < MinLength {
		return ErrTooShort
	}
	for _, r := range p {
		if r < '0' || r > '9' { // unicode.IsDigit would take Arabic-Indic digits too
			return ErrNotDigits
		}
	}
	return nil
}

// Hash returns the PHC-style argon2id encoding of p with a fresh salt.
func Hash(p string) (string, error) {
	if err := Check(p); err != nil {
		return "", err
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash pin: %w", err)
	}
	key := argon2.IDKey([]byte(p), salt, passes, memoryKiB, threads, keyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memoryKiB, passes, threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// Verify reports whether p matches encoded, in constant time. A malformed
// encoding never matches.
func Verify(p, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var m uint32
	var t uint32
	var th uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &th); err != nil || m == 0 || m > 64*1024 || t == 0 || t > 4 || th == 0 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(p), salt, t, m, th, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
