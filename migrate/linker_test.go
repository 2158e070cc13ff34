package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"golang.org/x/crypto/bcrypt"
)

// spyHasher records every hash it is asked to compare with.
type spyHasher struct {
	inner  migrate.PasswordHasher
	mu     sync.Mutex
	hashes []string
}

func (s *spyHasher) Recognizes(h string) bool { return s.inner.Recognizes(h) }

func (s *spyHasher) Compare(h string, pw []byte) (bool, error) {
	s.mu.Lock()
	s.hashes = append(s.hashes, h)
	s.mu.Unlock()
	return s.inner.Compare(h, pw)
}

func (s *spyHasher) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.hashes
	s.hashes = nil
	return out
}

// spyLegacy counts look-ups.
type spyLegacy struct {
	migrate.LegacyAccounts
	mu    sync.Mutex
	calls int
}

func (s *spyLegacy) Accounts(ctx context.Context, q migrate.Querier, u string) ([]migrate.LegacyAccount, error) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	return s.LegacyAccounts.Accounts(ctx, q, u)
}

func (s *spyLegacy) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// dummyAtMinCost is a dummy like the fixture's legacy hashes (bcrypt
// MinCost), as LinkerConfig.DummyHash requires.
var dummyAtMinCost = func() string {
	h, err := bcrypt.GenerateFromPassword([]byte("never-a-password"), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}()

type linkFixture struct {
	*fixture
	link    *migrate.Linker
	bcrypt  *spyHasher
	sha     *spyHasher
	lookups *spyLegacy
	to      string
}

func newLinkFixture(t *testing.T, b *backend, users, clients migrate.Limiter) *linkFixture {
	t.Helper()
	f := newFixture(t, b)
	leg, err := migrate.NewSQLLegacy(b.d, migrate.LegacyTable{})
	if err != nil {
		t.Fatal(err)
	}
	lf := &linkFixture{fixture: f, bcrypt: &spyHasher{inner: migrate.Bcrypt{}}, sha: &spyHasher{inner: migrate.SaltedSHA256{}},
		lookups: &spyLegacy{LegacyAccounts: leg}}
	lf.link, err = migrate.NewLinker(migrate.LinkerConfig{Converter: f.conv, Legacy: lf.lookups,
		Hashers: []migrate.PasswordHasher{lf.bcrypt, lf.sha, migrate.PBKDF2SHA256{}}, DummyHash: dummyAtMinCost,
		Users: users, Clients: clients, Clock: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	f.legacy("nguyenvana", pakn, "na-soyt", rbac.GroupProcessors)
	f.seedData("nguyenvana", 2, pakn)
	lf.to = f.member(2, pakn, "na-soyt", rbac.GroupProcessors)
	return lf
}

func (lf *linkFixture) me() *vnconnect.Identity { return &vnconnect.Identity{TechID: lf.to} }

// TestLinkConverts: the right password converts the account for its
// holder, with no admin; the legacy login is disabled by the conversion
// and a second try is told so.
func TestLinkConverts(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		lf := newLinkFixture(t, b, nil, nil)
		cv, err := lf.link.Link(lf.ctx, lf.me(), "nguyenvana", "matkhau-cu", "203.0.113.7")
		if err != nil {
			t.Fatal(err)
		}
		if cv.State != migrate.StateDone || cv.Actor != lf.to || cv.Kind != migrate.FromLegacy {
			t.Fatalf("conversion %+v", cv)
		}
		if err := lf.conv.Verify(lf.ctx, cv.ID); err != nil {
			t.Fatal(err)
		}
		lf.assertLegacy("nguyenvana", pakn, true, lf.to)
		if got := lf.owned(lf.to); got != [3]int{2, 2, 2} {
			t.Errorf("target owns %v", got)
		}
		// Once converted, the right password is told so; a wrong one
		// still learns nothing.
		_, err = lf.link.Link(lf.ctx, lf.me(), "nguyenvana", "matkhau-cu", "203.0.113.7")
		if migrate.PreconditionCode(err) != migrate.CodeAlreadyConverted {
			t.Errorf("second link: %v", err)
		}
		if _, err := lf.link.Link(lf.ctx, lf.me(), "nguyenvana", "sai", "203.0.113.7"); !errors.Is(err, migrate.ErrBadCredentials) {
			t.Errorf("wrong password after conversion: %v", err)
		}
	})
}

// TestLinkUnknownEqualsWrong: an unknown username and a wrong password
// give the same error after the same work — one comparison with a hash of
// the same format and cost (the dummy, for the unknown username).
func TestLinkUnknownEqualsWrong(t *testing.T) {
	lf := newLinkFixture(t, newSQLiteBackend(t), nil, nil)
	lf.legacy("khonghash", pakn, "na-soyt", rbac.GroupProcessors)
	lf.exec(`UPDATE rpkit_legacy_accounts SET password_hash = ? WHERE username = ?`, "md5$legacy$abc", "khonghash")

	type outcome struct {
		err    string
		hashes []string
	}
	try := func(user, pw string) outcome {
		_, err := lf.link.Link(lf.ctx, lf.me(), user, pw, "198.51.100.1")
		if !errors.Is(err, migrate.ErrBadCredentials) {
			t.Fatalf("%s/%s: %v", user, pw, err)
		}
		return outcome{err: err.Error(), hashes: append(lf.bcrypt.take(), lf.sha.take()...)}
	}
	wrong := try("nguyenvana", "sai-mat-khau")
	unknown := try("khongtontai", "sai-mat-khau")
	unrecognised := try("khonghash", "sai-mat-khau") // a hash no hasher reads
	lf.exec(`UPDATE rpkit_legacy_accounts SET password_hash = ? WHERE username = ?`, "sha256$s$zz", "khonghash")
	malformed := try("khonghash", "sai-mat-khau") // recognised, but fails fast
	if wrong.err != unknown.err || unknown.err != unrecognised.err || unknown.err != malformed.err {
		t.Errorf("errors differ: %q / %q / %q / %q", wrong.err, unknown.err, unrecognised.err, malformed.err)
	}
	if len(malformed.hashes) != 2 || !slices.Contains(malformed.hashes, dummyAtMinCost) {
		t.Errorf("malformed hash: the dummy compare did not run: %v", malformed.hashes)
	}
	if len(wrong.hashes) != 1 || wrong.hashes[0] != legacyHash {
		t.Errorf("wrong password compared %v", wrong.hashes)
	}
	for _, o := range []outcome{unknown, unrecognised} {
		if len(o.hashes) != 1 || o.hashes[0] != dummyAtMinCost {
			t.Errorf("unknown username: the dummy compare did not run: %v", o.hashes)
		}
	}
	// Same format, same cost: the same work.
	c1, _ := bcrypt.Cost([]byte(legacyHash))
	c2, _ := bcrypt.Cost([]byte(dummyAtMinCost))
	if c1 != c2 {
		t.Errorf("dummy cost %d, legacy cost %d", c2, c1)
	}
	if c, _ := bcrypt.Cost([]byte(migrate.DefaultDummyHash)); c != bcrypt.DefaultCost {
		t.Errorf("DefaultDummyHash cost %d", c)
	}
}

// TestLinkDisabled: a disabled account is refused, and said to be
// disabled only to someone with its password.
func TestLinkDisabled(t *testing.T) {
	lf := newLinkFixture(t, newSQLiteBackend(t), nil, nil)
	lf.exec(`UPDATE rpkit_legacy_accounts SET disabled = ? WHERE username = ?`, true, "nguyenvana")
	if _, err := lf.link.Link(lf.ctx, lf.me(), "nguyenvana", "sai", "198.51.100.1"); !errors.Is(err, migrate.ErrBadCredentials) {
		t.Errorf("wrong password on a disabled account: %v", err)
	}
	_, err := lf.link.Link(lf.ctx, lf.me(), "nguyenvana", "matkhau-cu", "198.51.100.1")
	if migrate.PreconditionCode(err) != migrate.CodeLegacyDisabled {
		t.Errorf("disabled account: %v", err)
	}
	if got := lf.owned("nguyenvana"); got != [3]int{2, 2, 2} {
		t.Errorf("data moved: %v", got)
	}
}

// TestLinkPreconditionsStillHold: self-service skips only the admin check;
// a Vnconnect account in another unit is refused.
func TestLinkPreconditionsStillHold(t *testing.T) {
	lf := newLinkFixture(t, newSQLiteBackend(t), nil, nil)
	other := lf.member(3, pakn, "na-tt", rbac.GroupProcessors)
	_, err := lf.link.Link(lf.ctx, &vnconnect.Identity{TechID: other}, "nguyenvana", "matkhau-cu", "198.51.100.1")
	if migrate.PreconditionCode(err) != migrate.CodeUnitMismatch {
		t.Errorf("other unit: %v", err)
	}
	if _, err := lf.link.Link(lf.ctx, &vnconnect.Identity{TechID: "not-saved"}, "nguyenvana", "matkhau-cu", "198.51.100.1"); migrate.PreconditionCode(err) != migrate.CodeTargetNotFound {
		t.Errorf("unsaved account: %v", err)
	}
}

// TestLinkBruteForce: the sixth guess on a username is refused before any
// hashing or look-up, from any address, even with the right password.
func TestLinkBruteForce(t *testing.T) {
	lf := newLinkFixture(t, newSQLiteBackend(t), nil, nil)
	for i := range 5 {
		ip := fmt.Sprintf("198.51.100.%d", i+1) // a new address each time
		if _, err := lf.link.Link(lf.ctx, lf.me(), "NguyenVanA", fmt.Sprintf("doan-%d", i), ip); !errors.Is(err, migrate.ErrBadCredentials) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	lf.bcrypt.take()
	looks := lf.lookups.count()
	for _, try := range []struct{ user, pw, ip string }{
		{"nguyenvana", "matkhau-cu", "192.0.2.99"}, // right password, fresh address
		{"NGUYENVANA", "doan-x", "2001:db8:1::1"},  // case changed, IPv6
		{"nguyenvana", "doan-y", "203.0.113.200"},  // yet another address
	} {
		_, err := lf.link.Link(lf.ctx, lf.me(), try.user, try.pw, try.ip)
		var rl *migrate.RateLimitError
		if !errors.As(err, &rl) || rl.RetryAfter <= 0 || !errors.Is(err, migrate.ErrRateLimited) {
			t.Fatalf("%+v: %v", try, err)
		}
	}
	if h := lf.bcrypt.take(); len(h) != 0 {
		t.Errorf("refused attempts hashed: %v", h)
	}
	if lf.lookups.count() != looks {
		t.Errorf("refused attempts looked the username up")
	}
	// The lockout passes; the right password then works and resets the count.
	lf.clock.Advance(migrate.DefaultUserPolicy.Lockout)
	if _, err := lf.link.Link(lf.ctx, lf.me(), "nguyenvana", "matkhau-cu", "192.0.2.99"); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
}

// TestLinkParallelGuesses: a burst of parallel guesses cannot all pass the
// check before the failures are counted.
func TestLinkParallelGuesses(t *testing.T) {
	lf := newLinkFixture(t, newSQLiteBackend(t), nil, nil)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = lf.link.Link(lf.ctx, lf.me(), "nguyenvana", fmt.Sprintf("doan-%d", i), fmt.Sprintf("198.51.100.%d", i+1))
		}()
	}
	wg.Wait()
	if n := len(lf.bcrypt.take()); n > migrate.DefaultUserPolicy.Max {
		t.Errorf("%d guesses were hashed, limit %d", n, migrate.DefaultUserPolicy.Max)
	}
}

// TestLinkPerClient: one network spraying many usernames is stopped by
// the client limit; an IPv6 /64 is one client.
func TestLinkPerClient(t *testing.T) {
	clients := migrate.NewMemoryLimiter(migrate.LimitPolicy{Max: 3}, 0)
	lf := newLinkFixture(t, newSQLiteBackend(t), nil, clients)
	for i := range 3 {
		ip := fmt.Sprintf("2001:db8:abcd:12::%x", i+1)
		if _, err := lf.link.Link(lf.ctx, lf.me(), fmt.Sprintf("user%d", i), "x", ip); !errors.Is(err, migrate.ErrBadCredentials) {
			t.Fatalf("spray %d: %v", i, err)
		}
	}
	if _, err := lf.link.Link(lf.ctx, lf.me(), "nguyenvana", "matkhau-cu", "2001:db8:abcd:12:ffff::1"); !errors.Is(err, migrate.ErrRateLimited) {
		t.Errorf("same /64: %v", err)
	}
	// The username itself was not charged for the network's lockout.
	if _, err := lf.link.Link(lf.ctx, lf.me(), "nguyenvana", "matkhau-cu", "2001:db8:abcd:13::1"); err != nil {
		t.Errorf("another network: %v", err)
	}
}

// TestLinkHashFormats: accounts carried over from other systems.
func TestLinkHashFormats(t *testing.T) {
	lf := newLinkFixture(t, newSQLiteBackend(t), nil, nil)
	for _, c := range []struct{ user, hash string }{
		// SHA-256("muoi" ‖ "matkhau-cu")
		{"sha-user", "sha256$muoi$" + sha256Hex("muoimatkhau-cu")},
		{"pbkdf2-user", pbkdf2Hash("matkhau-cu", "muoi", 1000)},
	} {
		t.Run(c.user, func(t *testing.T) {
			lf.legacy(c.user, pakn, "na-soyt", rbac.GroupProcessors)
			lf.exec(`UPDATE rpkit_legacy_accounts SET password_hash = ? WHERE username = ?`, c.hash, c.user)
			to := lf.member(len(c.user)+10, pakn, "na-soyt", rbac.GroupProcessors)
			if _, err := lf.link.Link(lf.ctx, &vnconnect.Identity{TechID: to}, c.user, "matkhau-cux", "192.0.2.1"); !errors.Is(err, migrate.ErrBadCredentials) {
				t.Fatalf("wrong password: %v", err)
			}
			if _, err := lf.link.Link(lf.ctx, &vnconnect.Identity{TechID: to}, c.user, "matkhau-cu", "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
			lf.assertLegacy(c.user, pakn, true, to)
		})
	}
}

// TestLinkInvalid: malformed input is refused before any work.
func TestLinkInvalid(t *testing.T) {
	lf := newLinkFixture(t, newSQLiteBackend(t), nil, nil)
	long := make([]byte, 2000)
	for i := range long {
		long[i] = 'a'
	}
	for _, c := range []struct {
		id           *vnconnect.Identity
		user, pw, ip string
	}{
		{nil, "nguyenvana", "x", "192.0.2.1"},
		{lf.me(), "", "x", "192.0.2.1"},
		{lf.me(), "a\x00b", "x", "192.0.2.1"},
		{lf.me(), "nguyenvana", "", "192.0.2.1"},
		{lf.me(), "nguyenvana", string(long), "192.0.2.1"},
		{lf.me(), "nguyenvana", "x", "not-an-ip"},
		{lf.me(), "nguyenvana", "x", ""},
	} {
		if _, err := lf.link.Link(lf.ctx, c.id, c.user, c.pw, c.ip); !errors.Is(err, migrate.ErrInvalid) {
			t.Errorf("%q/%q/%q: %v", c.user, clipS(c.pw), c.ip, err)
		}
	}
	if lf.lookups.count() != 0 || len(lf.bcrypt.take()) != 0 {
		t.Error("invalid input reached the database or the hasher")
	}
}

func clipS(s string) string {
	if len(s) > 10 {
		return s[:10] + "…"
	}
	return s
}
