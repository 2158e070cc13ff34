package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rpkit-vn/rpkit/vnconnect/saml"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// ErrExists is returned by PendingStore.Put when the key is already
// present: a pending entry is written once and never overwritten, so a
// guessed or repeated key cannot replace a login in flight. The error Put
// returns also matches web.ErrExists and saml.ErrKeyExists under errors.Is,
// since the store serves both packages.
var ErrExists = errors.New("redisstore: key already exists")

type existsError struct{ kind string }

func (e *existsError) Error() string { return "redisstore: put " + e.kind + ": key already exists" }

func (e *existsError) Is(target error) bool {
	return target == ErrExists || target == web.ErrExists || target == saml.ErrKeyExists
}

// ErrNoTTL is returned by PendingStore.Put for a ttl that is not positive:
// every key this package writes expires.
var ErrNoTTL = errors.New("redisstore: ttl must be positive")

// PendingStore keeps short-lived, single-use values: login state (state,
// nonce, PKCE verifier, return_to) between the redirect to the IdP and the
// callback, or a SAML AuthnRequest ID until its response arrives. The
// callback may land on another replica than the one that started the
// login; Take is atomic (GETDEL), so of two concurrent callbacks with the
// same key exactly one gets the value.
type PendingStore struct {
	s    *Store
	kind string
}

// Pending returns the store for web's pending logins (keys
// "prefix:pend:<digest>").
func (s *Store) Pending() *PendingStore { return &PendingStore{s: s, kind: "pend"} }

// SAMLRequests returns the store for outstanding SAML AuthnRequest IDs
// (keys "prefix:samlreq:<digest>"). It is a PendingStore in its own key
// space, so web and saml cannot consume each other's entries.
func (s *Store) SAMLRequests() *PendingStore { return &PendingStore{s: s, kind: "samlreq"} }

// Put stores value under key for ttl with SET NX PX. It returns an error
// wrapping ErrExists if the key is present, ErrNoTTL if ttl <= 0, and an
// *Error if Redis fails.
func (p *PendingStore) Put(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return ErrNoTTL
	}
	ok, err := p.s.client.SetNX(ctx, p.s.key(p.kind, key), value, roundUpMillis(ttl)).Result()
	if err != nil {
		return opError("put "+p.kind, err)
	}
	if !ok {
		return &existsError{kind: p.kind}
	}
	return nil
}

// Take returns the value under key and deletes it in one step (GETDEL).
// A missing or expired key gives (nil, nil); a stored empty value gives a
// non-nil empty slice. A Redis failure gives an *Error, never (nil, nil).
func (p *PendingStore) Take(ctx context.Context, key string) ([]byte, error) {
	v, err := p.s.client.GetDel(ctx, p.s.key(p.kind, key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, opError("take "+p.kind, err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, nil
}

// roundUpMillis makes a TTL whole milliseconds, rounding up: PX has
// millisecond resolution, and go-redis truncates, which would turn a
// positive TTL under 1ms into 0 — "no expiry".
func roundUpMillis(d time.Duration) time.Duration {
	if r := d % time.Millisecond; r != 0 {
		d += time.Millisecond - r
	}
	return d
}
