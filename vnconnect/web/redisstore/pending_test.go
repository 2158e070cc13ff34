package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect/saml"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
	"github.com/rpkit-vn/rpkit/vnconnect/web/redisstore"
	"github.com/rpkit-vn/rpkit/vnconnect/web/webstoretest"
)

func TestPendingStoreConformance(t *testing.T) {
	t.Run("Pending", func(t *testing.T) {
		webstoretest.TestPendingStore(t, func(t *testing.T) web.PendingStore {
			s, _ := newStore(t, redisstore.Options{})
			return s.Pending()
		})
	})
	t.Run("SAMLRequests", func(t *testing.T) {
		webstoretest.TestPendingStore(t, func(t *testing.T) web.PendingStore {
			s, _ := newStore(t, redisstore.Options{})
			return s.SAMLRequests()
		})
	})
}

func TestPendingNamespacesAreSeparate(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, redisstore.Options{})
	if err := s.Pending().Put(ctx, "k", []byte("web"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.SAMLRequests().Put(ctx, "k", []byte("saml"), time.Minute); err != nil {
		t.Fatalf("SAMLRequests().Put of a key web uses: %v", err)
	}
	if got, err := s.SAMLRequests().Take(ctx, "k"); err != nil || string(got) != "saml" {
		t.Fatalf("SAMLRequests().Take = %q, %v", got, err)
	}
	if got, err := s.Pending().Take(ctx, "k"); err != nil || string(got) != "web" {
		t.Fatalf("Pending().Take = %q, %v", got, err)
	}
}

func TestPendingPutErrors(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, redisstore.Options{})
	p := s.Pending()
	for _, ttl := range []time.Duration{0, -time.Second} {
		if err := p.Put(ctx, "k", []byte("v"), ttl); !errors.Is(err, redisstore.ErrNoTTL) {
			t.Errorf("Put(ttl=%v) = %v, want ErrNoTTL", ttl, err)
		}
	}
	if err := p.Put(ctx, "dup", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	err := p.Put(ctx, "dup", []byte("v"), time.Minute)
	for _, target := range []error{redisstore.ErrExists, web.ErrExists, saml.ErrKeyExists} {
		if !errors.Is(err, target) {
			t.Errorf("Put(existing) = %v; errors.Is(%v) = false", err, target)
		}
	}
}

func TestPendingEmptyValue(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, redisstore.Options{})
	if err := s.Pending().Put(ctx, "empty", nil, time.Minute); err != nil {
		t.Fatal(err)
	}
	got, err := s.Pending().Take(ctx, "empty")
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("Take(empty value) = %#v, %v; want a non-nil empty slice (nil means missing)", got, err)
	}
}

func TestPendingTTL(t *testing.T) {
	ctx := context.Background()
	s, c := newStore(t, redisstore.Options{})
	if err := s.Pending().Put(ctx, "a", []byte("v"), 90*time.Second); err != nil {
		t.Fatal(err)
	}
	// A sub-millisecond TTL must round up, not become "no expiry".
	if err := s.SAMLRequests().Put(ctx, "b", []byte("v"), 300*time.Microsecond+time.Minute); err != nil {
		t.Fatal(err)
	}
	assertAllExpire(t, c, s.Prefix())
	for _, k := range keysUnder(t, c, s.Prefix()) {
		ttl := c.PTTL(ctx, k).Val()
		if ttl < 59*time.Second || ttl > 90*time.Second {
			t.Errorf("PTTL(%s) = %v, want about the TTL given to Put", k, ttl)
		}
	}
}

// TestPendingTakeAcrossReplicas races Takes of one key from two Store
// instances on separate connections pools, as two app replicas would.
func TestPendingTakeAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	a, _ := newStore(t, redisstore.Options{})
	b := replica(t, a, redisstore.Options{})
	const racers = 50
	for round := range 5 {
		key := "state-" + string(rune('a'+round))
		if err := a.Pending().Put(ctx, key, []byte("login"), time.Minute); err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int32
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range racers {
			st := a.Pending()
			if i%2 == 1 {
				st = b.Pending()
			}
			wg.Go(func() {
				<-start
				got, err := st.Take(ctx, key)
				if err != nil {
					t.Errorf("Take: %v", err)
				}
				if got != nil {
					if !bytes.Equal(got, []byte("login")) {
						t.Errorf("Take = %q", got)
					}
					wins.Add(1)
				}
			})
		}
		close(start)
		wg.Wait()
		if n := wins.Load(); n != 1 {
			t.Fatalf("round %d: %d of %d Takes won; want exactly 1", round, n, racers)
		}
	}
}
