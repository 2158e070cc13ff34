package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// ReplayCache is a vnconnect.ReplayCache on Redis, shared by every replica:
// logout-token "jti"s and SAML assertion IDs are recorded with SET NX, so
// of two replicas that receive the same token at once exactly one accepts
// it.
type ReplayCache struct {
	s    *Store
	kind string
}

// Replay returns the replay cache (keys "prefix:replay:<digest>").
func (s *Store) Replay() *ReplayCache { return &ReplayCache{s: s, kind: "replay"} }

// Remember records id until the given time. It returns an error wrapping
// vnconnect.ErrReplay if id is already recorded and not expired, and an
// *Error if Redis fails — never nil in that case, so a Redis outage makes
// one-time tokens fail rather than become replayable.
//
// An until that is not after the store's clock records nothing and returns
// nil: the entry would already be expired, as in vnconnect's memory cache;
// callers refuse expired tokens before asking.
func (c *ReplayCache) Remember(ctx context.Context, id string, until time.Time) error {
	ttl := until.Sub(c.s.clock())
	if ttl <= 0 {
		return nil
	}
	ok, err := c.s.client.SetNX(ctx, c.s.key(c.kind, id), "1", roundUpMillis(ttl)).Result()
	if err != nil {
		return opError("remember", err)
	}
	if !ok {
		return fmt.Errorf("redisstore: %w", vnconnect.ErrReplay)
	}
	return nil
}
