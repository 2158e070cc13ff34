package migrate

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// LinkerConfig configures a Linker. Converter is required; every other
// field has a safe default.
type LinkerConfig struct {
	Converter *Converter
	// Legacy defaults to the converter's legacy accounts.
	Legacy LegacyAccounts
	// Hashers are the legacy hash formats, asked in order; nil means
	// {Bcrypt{}}.
	Hashers []PasswordHasher
	// DummyHash is compared with when a username has no account (or none
	// with a hash any hasher recognises), so that the answer takes as long
	// as a wrong password's. It MUST be in the format and at the cost of
	// the legacy accounts' hashes, or timing tells unknown usernames
	// apart. Default DefaultDummyHash (bcrypt, cost 10).
	DummyHash string
	// Users limits attempts per username (case-folded), Clients per client
	// network (an IPv4 address, an IPv6 /64). Defaults: MemoryLimiters
	// with DefaultUserPolicy and DefaultClientPolicy. Behind several
	// processes give both a shared store.
	Users, Clients Limiter
	// Clock defaults to the converter's.
	Clock rbac.Clock
	// Reason is recorded in the audit log; default "tự liên kết tài
	// khoản (self-service link)".
	Reason string
	// MaxPasswordBytes refuses longer passwords before any work; default
	// 1024.
	MaxPasswordBytes int
}

// Linker is self-service linking: a person who has just logged in with
// Vnconnect and still has a legacy account proves it once with the old
// username and password, and the account is converted to theirs (Request
// FromLegacy, the person as actor, no admin involved). Every conversion
// precondition still holds — the person's Vnconnect account must be saved
// and active on the subsystem, in the legacy account's unit and group.
//
// The rules a password check must keep:
//   - an unknown username and a wrong password give the same error
//     (ErrBadCredentials) after the same work: a password hash comparison
//     (against DummyHash when there is no hash to compare with);
//   - the account's state (disabled, already converted) is told only to
//     someone who gave the right password;
//   - attempts are limited per username and per client network, checked
//     and counted before anything is hashed, so that changing address does
//     not buy a username more guesses;
//   - hashes are compared in constant time (bcrypt, crypto/subtle).
type Linker struct {
	conv        *Converter
	legacy      LegacyAccounts
	hashers     []PasswordHasher
	dummy       string
	dummyHasher PasswordHasher
	users       Limiter
	clients     Limiter
	clock       rbac.Clock
	reason      string
	maxPassword int
}

// NewLinker returns a Linker for cfg.
func NewLinker(cfg LinkerConfig) (*Linker, error) {
	if cfg.Converter == nil {
		return nil, invalid("LinkerConfig.Converter is required")
	}
	l := &Linker{conv: cfg.Converter, legacy: cfg.Legacy, hashers: cfg.Hashers, dummy: cfg.DummyHash, users: cfg.Users,
		clients: cfg.Clients, clock: cfg.Clock, reason: cfg.Reason, maxPassword: cfg.MaxPasswordBytes}
	if l.legacy == nil {
		l.legacy = cfg.Converter.legacy
	}
	if l.legacy == nil {
		return nil, invalid("linking needs legacy accounts (LinkerConfig.Legacy or Config.Legacy)")
	}
	if len(l.hashers) == 0 {
		l.hashers = []PasswordHasher{Bcrypt{}}
	}
	for _, h := range l.hashers {
		if h == nil {
			return nil, invalid("nil PasswordHasher")
		}
	}
	if l.dummy == "" {
		l.dummy = DefaultDummyHash
	}
	if l.dummyHasher = l.hasherFor(l.dummy); l.dummyHasher == nil {
		return nil, invalid("DummyHash is in no configured hasher's format")
	}
	if l.users == nil {
		l.users = NewMemoryLimiter(DefaultUserPolicy, 0)
	}
	if l.clients == nil {
		l.clients = NewMemoryLimiter(DefaultClientPolicy, 0)
	}
	if l.clock == nil {
		l.clock = cfg.Converter.clock
	}
	if l.reason == "" {
		l.reason = "tự liên kết tài khoản (self-service link)"
	}
	if l.maxPassword <= 0 {
		l.maxPassword = 1024
	}
	return l, nil
}

func (l *Linker) hasherFor(hash string) PasswordHasher {
	for _, h := range l.hashers {
		if h.Recognizes(hash) {
			return h
		}
	}
	return nil
}

// Link converts the legacy account username to id's Vnconnect account once
// password proves it is theirs. clientIP is the address the request came
// from, as the application trusts it (RemoteAddr, or the header its own
// proxy sets — never a client-supplied header taken on faith).
//
// Errors: ErrInvalid (malformed input), a *RateLimitError, ErrBadCredentials,
// a *PreconditionError (CodeAlreadyConverted, CodeLegacyDisabled, or any of
// the conversion's own), or a storage error.
func (l *Linker) Link(ctx context.Context, id *vnconnect.Identity, username, password, clientIP string) (*Conversion, error) {
	if id == nil || id.TechID == "" {
		return nil, invalid("linking needs the logged-in Vnconnect identity")
	}
	if !validUsername(username) {
		return nil, invalid("the username is empty, too long or has control characters")
	}
	if password == "" || len(password) > l.maxPassword {
		return nil, invalid("the password is empty or longer than %d bytes", l.maxPassword)
	}
	client, err := clientKey(clientIP)
	if err != nil {
		return nil, err
	}
	// The limits come first: a refused attempt costs no hashing and no
	// database round trip. The client's is taken first so that a blocked
	// network does not also use up the username's attempts.
	now := l.clock.Now()
	for _, t := range []struct {
		lim Limiter
		key string
	}{{l.clients, client}, {l.users, userKey(username)}} {
		wait, err := t.lim.Take(ctx, t.key, now)
		if err != nil {
			return nil, fmt.Errorf("migrate: rate limit: %w", err)
		}
		if wait > 0 {
			return nil, &RateLimitError{RetryAfter: wait}
		}
	}
	accts, err := l.legacy.Accounts(ctx, l.conv.db, username)
	if err != nil {
		return nil, err
	}
	matched := l.verify(accts, []byte(password))
	if len(matched) == 0 {
		return nil, ErrBadCredentials
	}
	// The password is right: the username's count starts again (the
	// client's does not, or one good account would launder a network's
	// guesses at others).
	if err := l.users.Forgive(ctx, userKey(username)); err != nil {
		return nil, fmt.Errorf("migrate: rate limit: %w", err)
	}
	subs, err := linkable(matched)
	if err != nil {
		return nil, err
	}
	return l.conv.execute(ctx, Request{Kind: FromLegacy, From: username, To: id.TechID, Subsystems: subs, Actor: id.TechID, Reason: l.reason}, true)
}

// verify returns the accounts whose hash password matches. Each distinct
// hash is compared once; when none could be compared (no account, no
// hasher knows the format, or the hash is malformed) the dummy is, so that the work done does not
// say whether the username exists. (Accounts of one username with
// different hashes on different subsystems cost one comparison each: a
// count only such usernames show.)
func (l *Linker) verify(accts []LegacyAccount, password []byte) []LegacyAccount {
	var out []LegacyAccount
	seen := map[string]bool{}
	compared := false
	for _, a := range accts {
		ok, done := seen[a.PasswordHash]
		if !done {
			if h := l.hasherFor(a.PasswordHash); h != nil {
				var err error
				ok, err = h.Compare(a.PasswordHash, password)
				// A malformed hash matches nothing, and fails fast: it does
				// not count as the comparison's work.
				compared = compared || err == nil
				ok = ok && err == nil
			}
			seen[a.PasswordHash] = ok
		}
		if ok {
			out = append(out, a)
		}
	}
	if !compared {
		_, _ = l.dummyHasher.Compare(l.dummy, password)
	}
	return out
}

// linkable picks, among the accounts the password opened, the subsystems
// still to convert; the state of the others is told only now.
func linkable(matched []LegacyAccount) ([]rbac.SubsystemID, error) {
	var subs []rbac.SubsystemID
	converted := false
	for _, a := range matched {
		switch {
		case a.ConvertedTo != "":
			converted = true
		case a.Disabled:
		default:
			subs = append(subs, a.Subsystem)
		}
	}
	switch {
	case len(subs) > 0:
		return subs, nil
	case converted:
		return nil, precond(CodeAlreadyConverted, "", "this account was already converted to a Vnconnect account; log in with Vnconnect")
	}
	return nil, precond(CodeLegacyDisabled, "", "this account is disabled; ask your unit's administrator")
}

// validUsername accepts what a legacy system may have allowed — any
// printable UTF-8 up to 200 bytes — rather than today's stricter rules.
func validUsername(s string) bool {
	if s == "" || len(s) > 200 || !utf8.ValidString(s) {
		return false
	}
	return strings.IndexFunc(s, unicode.IsControl) < 0
}

// userKey folds case, so that "NguyenVanA" and "nguyenvana" share a count
// even where the legacy database compares them equal.
func userKey(u string) string { return "u:" + strings.ToLower(u) }

// clientKey is an IPv4 address, or an IPv6 address's /64: one subscriber's
// network, within which changing address is free.
func clientKey(ip string) (string, error) {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "", invalid("client IP %q is not an IP address", clip(ip, 64))
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "ip:" + p.String(), nil
	}
	return "ip:" + a.String(), nil
}

func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}
