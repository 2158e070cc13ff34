package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect/web"
	"github.com/rpkit-vn/rpkit/vnconnect/web/redisstore"
	"github.com/rpkit-vn/rpkit/vnconnect/web/webstoretest"
)

func TestSessionStoreConformance(t *testing.T) {
	webstoretest.TestSessionStore(t, func(t *testing.T) web.SessionStore {
		s, _ := newStore(t, redisstore.Options{})
		return s.Sessions()
	})
}

// TestSessionStoreConformanceReplicas runs the same suite with every call
// alternating between two Store instances on separate clients: what one
// replica writes, the other must see.
func TestSessionStoreConformanceReplicas(t *testing.T) {
	webstoretest.TestSessionStore(t, func(t *testing.T) web.SessionStore {
		a, _ := newStore(t, redisstore.Options{})
		b := replica(t, a, redisstore.Options{})
		return &alternating{stores: [2]web.SessionStore{a.Sessions(), b.Sessions()}}
	})
}

// alternating sends each call to the next of two stores in turn.
type alternating struct {
	stores [2]web.SessionStore
	n      atomic.Uint64
}

func (a *alternating) next() web.SessionStore { return a.stores[a.n.Add(1)%2] }

func (a *alternating) Save(ctx context.Context, s *web.Session) error { return a.next().Save(ctx, s) }
func (a *alternating) Load(ctx context.Context, id string) (*web.Session, error) {
	return a.next().Load(ctx, id)
}
func (a *alternating) Delete(ctx context.Context, id string) error { return a.next().Delete(ctx, id) }
func (a *alternating) DeleteBySID(ctx context.Context, iss, sid string) (int, error) {
	return a.next().DeleteBySID(ctx, iss, sid)
}
func (a *alternating) DeleteBySubject(ctx context.Context, iss, sub string) (int, error) {
	return a.next().DeleteBySubject(ctx, iss, sub)
}
func (a *alternating) DeleteBySIDAndSubject(ctx context.Context, iss, sid, sub string) (int, error) {
	return a.next().(web.SessionSubjectDeleter).DeleteBySIDAndSubject(ctx, iss, sid, sub)
}

func randomHex(t testing.TB) string {
	t.Helper()
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

func testSession(t testing.TB, now time.Time, idle, abs time.Duration) *web.Session {
	t.Helper()
	return &web.Session{
		ID: randomHex(t), Protocol: web.ProtocolOIDC,
		Issuer: "https://idp.example", Subject: "sub-" + randomHex(t), SID: "sid-" + randomHex(t),
		CSRF: randomHex(t), CreatedAt: now, LastSeen: now,
		IdleUntil: now.Add(idle), AbsoluteUntil: now.Add(abs),
	}
}

// TestSessionTTLs checks with PTTL that a session key expires at the
// earlier of its deadlines (by the injected clock) and that its index sets
// outlive it.
func TestSessionTTLs(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC) // far from the real time on purpose
	for _, tc := range []struct {
		name      string
		idle, abs time.Duration
		want      time.Duration
	}{
		{"idle first", 30 * time.Minute, 8 * time.Hour, 30 * time.Minute},
		{"absolute first", 30 * time.Minute, 10 * time.Minute, 10 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c := newStore(t, redisstore.Options{Clock: func() time.Time { return now }})
			prefix := s.Prefix()
			sess := testSession(t, now, tc.idle, tc.abs)
			if err := s.Sessions().Save(ctx, sess); err != nil {
				t.Fatal(err)
			}
			var sessTTL time.Duration
			var idx []time.Duration
			for _, k := range keysUnder(t, c, prefix) {
				ttl := c.PTTL(ctx, k).Val()
				switch {
				case strings.HasPrefix(k, prefix+":sess:"):
					if n, _ := c.Exists(ctx, k).Result(); n == 1 && ttl > sessTTL {
						sessTTL = ttl
					}
				case strings.HasPrefix(k, prefix+":sid:"), strings.HasPrefix(k, prefix+":sub:"):
					idx = append(idx, ttl)
				}
			}
			if sessTTL < tc.want-time.Minute || sessTTL > tc.want {
				t.Errorf("session PTTL = %v, want about %v", sessTTL, tc.want)
			}
			for _, ttl := range idx {
				if ttl < sessTTL-time.Second {
					t.Errorf("index PTTL %v shorter than its session's %v", ttl, sessTTL)
				}
			}
			assertAllExpire(t, c, prefix)
		})
	}
}

// TestSessionIndexTTLOnlyGrows: a short session joining an index must not
// shorten the index below a longer member's lifetime.
func TestSessionIndexTTLOnlyGrows(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	s, c := newStore(t, redisstore.Options{})
	long := testSession(t, now, 2*time.Hour, 8*time.Hour)
	short := testSession(t, now, time.Minute, time.Hour)
	short.SID, short.Subject = long.SID, long.Subject
	for _, sess := range []*web.Session{long, short} {
		if err := s.Sessions().Save(ctx, sess); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range keysUnder(t, c, s.Prefix()) {
		if strings.Contains(k, ":sess:") {
			continue
		}
		if ttl := c.PTTL(ctx, k).Val(); ttl < 2*time.Hour-time.Minute {
			t.Errorf("index %s PTTL = %v, want ≥ the long session's 2h", k, ttl)
		}
	}
}

// TestSessionStaleIndexMember: a session key that vanished on its own
// (expired, evicted, deleted by hand) leaves a member behind in its
// indexes; DeleteBySID ignores it and counts only the sessions it ended.
func TestSessionStaleIndexMember(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	s, c := newStore(t, redisstore.Options{})
	a, b := testSession(t, now, time.Hour, time.Hour), testSession(t, now, time.Hour, time.Hour)
	b.SID = a.SID
	for _, sess := range []*web.Session{a, b} {
		if err := s.Sessions().Save(ctx, sess); err != nil {
			t.Fatal(err)
		}
	}
	// Remove a's hash behind the store's back.
	var sessKeys []string
	for _, k := range keysUnder(t, c, s.Prefix()) {
		if strings.Contains(k, ":sess:") {
			sessKeys = append(sessKeys, k)
		}
	}
	for _, k := range sessKeys {
		if id, _ := c.HGet(ctx, k, "d").Result(); strings.Contains(id, a.ID) {
			c.Del(ctx, k)
		}
	}
	n, err := s.Sessions().DeleteBySID(ctx, a.Issuer, a.SID)
	if err != nil || n != 1 {
		t.Fatalf("DeleteBySID = %d, %v; want 1 (the stale member is not counted)", n, err)
	}
	if got, _ := s.Sessions().Load(ctx, b.ID); got != nil {
		t.Fatal("b survived")
	}
}

func TestSessionUndecodable(t *testing.T) {
	ctx := context.Background()
	s, c := newStore(t, redisstore.Options{})
	sess := testSession(t, time.Now(), time.Hour, time.Hour)
	if err := s.Sessions().Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	for _, k := range keysUnder(t, c, s.Prefix()) {
		if strings.Contains(k, ":sess:") {
			c.HSet(ctx, k, "d", `{"v":99,"id":"x"}`)
		}
	}
	got, err := s.Sessions().Load(ctx, sess.ID)
	if got != nil || !errors.Is(err, redisstore.ErrUndecodable) {
		t.Fatalf("Load(corrupt) = %v, %v; want nil, ErrUndecodable", got, err)
	}
}

// TestSessionIDInKeysIsHashed: a Redis key listing must not reveal the
// cookie values.
func TestSessionIDInKeysIsHashed(t *testing.T) {
	ctx := context.Background()
	s, c := newStore(t, redisstore.Options{})
	sess := testSession(t, time.Now(), time.Hour, time.Hour)
	if err := s.Sessions().Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	for _, k := range keysUnder(t, c, s.Prefix()) {
		if strings.Contains(k, sess.ID) || strings.Contains(k, sess.SID) || strings.Contains(k, sess.Subject) {
			t.Errorf("key %s contains a raw identifier", k)
		}
	}
}

func TestSessionSaveWithoutID(t *testing.T) {
	s, _ := newStore(t, redisstore.Options{})
	for _, sess := range []*web.Session{nil, {}} {
		if err := s.Sessions().Save(context.Background(), sess); !errors.Is(err, redisstore.ErrNoSessionID) {
			t.Errorf("Save(%v) = %v, want ErrNoSessionID", sess, err)
		}
	}
}
