package redisstore_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect/web"
	"github.com/rpkit-vn/rpkit/vnconnect/web/redisstore"
)

// TestLogoutRacingLogins saves sessions of one IdP session from two
// replicas while a third ends that IdP session. Every session whose Save
// had returned before DeleteBySID began must be gone afterwards, and the
// optimistic transaction must not give up under this load.
func TestLogoutRacingLogins(t *testing.T) {
	ctx := context.Background()
	a, _ := newStore(t, redisstore.Options{})
	stores := []*redisstore.SessionStore{a.Sessions(), replica(t, a, redisstore.Options{}).Sessions()}
	logout := replica(t, a, redisstore.Options{}).Sessions()

	const racers = 50
	now := time.Now()
	sid := "sid-" + randomHex(t)
	sessions := make([]*web.Session, racers)
	for i := range sessions {
		sessions[i] = testSession(t, now, time.Hour, time.Hour)
		sessions[i].SID = sid
	}

	var seq atomic.Int64
	saved := make([]int64, racers) // seq value after each Save returned
	var deleteStart atomic.Int64
	var wg sync.WaitGroup
	for i, s := range sessions {
		wg.Go(func() {
			if err := stores[i%2].Save(ctx, s); err != nil {
				t.Errorf("Save: %v", err)
				return
			}
			saved[i] = seq.Add(1)
		})
		if i == racers/2 {
			wg.Go(func() {
				deleteStart.Store(seq.Load())
				if _, err := logout.DeleteBySID(ctx, sessions[0].Issuer, sid); err != nil {
					t.Errorf("DeleteBySID during logins: %v", err)
				}
			})
		}
	}
	wg.Wait()
	for i, s := range sessions {
		if saved[i] == 0 || saved[i] > deleteStart.Load() {
			continue // saved after the logout began: may legitimately survive
		}
		if got, err := logout.Load(ctx, s.ID); err != nil || got != nil {
			t.Errorf("session saved before the logout survived it (%v)", err)
		}
	}
}
