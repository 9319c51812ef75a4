package dashboard

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/crypto/argon2"
)

// Roles of dashboard users.
const (
	RoleAdmin       = "admin"       // every site, users, content
	RoleCoordinator = "coordinator" // the sites they are given
)

// Errors of the account functions.
var (
	ErrBadLogin     = errors.New("unknown user or wrong password")
	ErrLocked       = errors.New("account locked after too many failed logins")
	ErrUserExists   = errors.New("a user with this name already exists")
	ErrWeakPassword = errors.New("password shorter than 12 characters")
	ErrBadRole      = errors.New("role must be admin or coordinator")
)

// Lockout: after MaxFailures wrong passwords in a row an account refuses
// every login for LockFor, even with the right password.
const (
	MaxFailures = 5
	LockFor     = 15 * time.Minute
)

// argon2id parameters (OWASP's second recommendation: 19 MiB, 2 passes).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// User is a dashboard account.
type User struct {
	ID    string
	Name  string
	Role  string
	Sites []string // site ids; empty for admins (who see every site)
}

// Admin reports whether the user sees every site.
func (u User) Admin() bool { return u.Role == RoleAdmin }

// CanSite reports whether the user may see and change site's data.
func (u User) CanSite(siteID string) bool {
	if u.Admin() {
		return true
	}
	for _, s := range u.Sites {
		if s == siteID {
			return true
		}
	}
	return false
}

// HashPassword returns the PHC string of an argon2id hash of pw.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches a PHC string from HashPassword
// (with whatever parameters it was made).
func CheckPassword(phc, pw string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<20 || t > 20 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the user does not exist, so a login
// takes as long for an unknown name as for a wrong password.
var dummyHash, _ = HashPassword("not a password of anyone")

func hashToken(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// AddUser creates an account. Coordinators need at least one site.
func (d *Dashboard) AddUser(ctx context.Context, name, role, password string, sites []string) (User, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return User{}, errors.New("user name must be 1 to 100 characters")
	}
	if role != RoleAdmin && role != RoleCoordinator {
		return User{}, ErrBadRole
	}
	if utf8.RuneCountInString(password) < 12 {
		return User{}, ErrWeakPassword
	}
	if role == RoleCoordinator && len(sites) == 0 {
		return User{}, errors.New("a coordinator needs at least one site")
	}
	if role == RoleAdmin {
		sites = nil
	}
	h, err := HashPassword(password)
	if err != nil {
		return User{}, err
	}
	u := User{ID: uuid.Must(uuid.NewV7()).String(), Name: name, Role: role, Sites: sites}
	err = d.db.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, d.db.q(`SELECT count(*) FROM dash_users WHERE name = ?`), name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrUserExists
		}
		if _, err := tx.ExecContext(ctx, d.db.q(`INSERT INTO dash_users (id, name, role, hash, created_ms) VALUES (?, ?, ?, ?, ?)`),
			u.ID, name, role, h, d.now().UnixMilli()); err != nil {
			return err
		}
		for _, s := range sites {
			if _, err := tx.ExecContext(ctx, d.db.q(`INSERT INTO dash_user_sites (user_id, site_id) VALUES (?, ?) ON CONFLICT DO NOTHING`), u.ID, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return User{}, fmt.Errorf("add user %q: %w", name, err)
	}
	return u, nil
}

// Users lists every account, by name.
func (d *Dashboard) Users(ctx context.Context) ([]User, error) {
	rows, err := d.db.db.QueryContext(ctx, `SELECT id, name, role FROM dash_users ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Name, &u.Role); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Sites, err = d.userSites(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (d *Dashboard) userSites(ctx context.Context, userID string) ([]string, error) {
	rows, err := d.db.db.QueryContext(ctx, d.db.q(`SELECT site_id FROM dash_user_sites WHERE user_id = ? ORDER BY site_id`), userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Login checks a name and password and opens a session; it returns the
// session token (for the cookie). Wrong passwords count towards the
// lockout; a right one resets the count.
func (d *Dashboard) Login(ctx context.Context, name, password string) (string, User, error) {
	var u User
	var hash string
	var failed int
	var lockedUntil int64
	err := d.db.db.QueryRowContext(ctx, d.db.q(`SELECT id, name, role, hash, failed, locked_until_ms FROM dash_users WHERE name = ?`),
		strings.TrimSpace(name)).Scan(&u.ID, &u.Name, &u.Role, &hash, &failed, &lockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		CheckPassword(dummyHash, password)
		return "", User{}, ErrBadLogin
	}
	if err != nil {
		return "", User{}, err
	}
	now := d.now()
	if lockedUntil > now.UnixMilli() {
		return "", User{}, ErrLocked
	}
	if !CheckPassword(hash, password) {
		err := d.db.write(ctx, func(tx *sql.Tx) error {
			failed++
			var until int64
			if failed >= MaxFailures {
				until, failed = now.Add(LockFor).UnixMilli(), 0
			}
			_, err := tx.ExecContext(ctx, d.db.q(`UPDATE dash_users SET failed = ?, locked_until_ms = ? WHERE id = ?`), failed, until, u.ID)
			return err
		})
		if err != nil {
			return "", User{}, err
		}
		return "", User{}, ErrBadLogin
	}
	tok := randomToken()
	err = d.db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, d.db.q(`UPDATE dash_users SET failed = 0, locked_until_ms = 0 WHERE id = ?`), u.ID); err != nil {
			return err
		}
		// Old sessions of anyone are swept here: logins are rare enough.
		if _, err := tx.ExecContext(ctx, d.db.q(`DELETE FROM dash_sessions WHERE expires_ms < ? OR last_ms < ?`),
			now.UnixMilli(), now.Add(-d.cfg.IdleTimeout).UnixMilli()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, d.db.q(`INSERT INTO dash_sessions (hash, user_id, csrf, created_ms, expires_ms, last_ms) VALUES (?, ?, ?, ?, ?, ?)`),
			hashToken(tok), u.ID, randomToken(), now.UnixMilli(), now.Add(d.cfg.SessionTTL).UnixMilli(), now.UnixMilli())
		return err
	})
	if err != nil {
		return "", User{}, err
	}
	u.Sites, err = d.userSites(ctx, u.ID)
	return tok, u, err
}

// session is a logged-in user's session.
type session struct {
	hash string
	csrf string
	user User
}

var errNoSession = errors.New("no live session")

// session finds the live session of a cookie token and slides its idle
// deadline.
func (d *Dashboard) session(ctx context.Context, tok string) (*session, error) {
	if tok == "" {
		return nil, errNoSession
	}
	s := &session{hash: hashToken(tok)}
	var expires, last int64
	err := d.db.db.QueryRowContext(ctx, d.db.q(`SELECT s.csrf, s.expires_ms, s.last_ms, u.id, u.name, u.role FROM dash_sessions s
		JOIN dash_users u ON u.id = s.user_id WHERE s.hash = ?`), s.hash).Scan(&s.csrf, &expires, &last, &s.user.ID, &s.user.Name, &s.user.Role)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSession
	}
	if err != nil {
		return nil, err
	}
	now := d.now()
	if expires <= now.UnixMilli() || last <= now.Add(-d.cfg.IdleTimeout).UnixMilli() {
		return nil, errNoSession
	}
	if now.UnixMilli()-last > 60_000 {
		// Touch at most once a minute: a page view is not worth a write.
		if err := d.db.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, d.db.q(`UPDATE dash_sessions SET last_ms = ? WHERE hash = ?`), now.UnixMilli(), s.hash)
			return err
		}); err != nil {
			return nil, err
		}
	}
	if s.user.Sites, err = d.userSites(ctx, s.user.ID); err != nil {
		return nil, err
	}
	return s, nil
}

// logout ends a session.
func (d *Dashboard) logout(ctx context.Context, s *session) error {
	return d.db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, d.db.q(`DELETE FROM dash_sessions WHERE hash = ?`), s.hash)
		return err
	})
}
