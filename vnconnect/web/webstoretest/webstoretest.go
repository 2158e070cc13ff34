package webstoretest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// shortTTL is the lifetime the expiry tests give an entry, and wait is how
// long they sleep past it: generous, because a remote store's clock and
// ours differ a little and a loaded CI machine is slow.
const (
	shortTTL = 150 * time.Millisecond
	wait     = 400 * time.Millisecond
)

// Racers is how many goroutines compete in the single-use tests.
const Racers = 50

func randomID(t testing.TB) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

const claimsJSON = `{"sub":"SUB","TechID":"3f1c7a52-8d0e-4b9a-9c61-2a4d5e6f7a8b","HoVaTen":"Nguyễn Thị Minh Khai","LoaiTaiKhoan":1}`

func newSession(t testing.TB, iss, sub, sid string, ttl time.Duration) *web.Session {
	t.Helper()
	id, err := vnconnect.IdentityFromClaims(bytes.Replace([]byte(claimsJSON), []byte("SUB"), []byte(sub), 1))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Round(0).Truncate(time.Millisecond)
	return &web.Session{
		ID: randomID(t) + randomID(t), Protocol: web.ProtocolOIDC,
		Issuer: iss, Subject: sub, SID: sid,
		Identity: id, IDToken: "header.payload.signature",
		CSRF:      randomID(t),
		CreatedAt: now, LastSeen: now,
		IdleUntil: now.Add(ttl), AbsoluteUntil: now.Add(2 * ttl),
	}
}

// TestSessionStore runs the SessionStore conformance tests; newStore returns
// a store for one subtest.
func TestSessionStore(t *testing.T, newStore func(t *testing.T) web.SessionStore) {
	ctx := context.Background()
	iss := "https://idp.example/" + randomID(t)

	t.Run("SaveLoad", func(t *testing.T) {
		st := newStore(t)
		s := newSession(t, iss, "sub-"+randomID(t), "sid-"+randomID(t), time.Hour)
		if err := st.Save(ctx, s); err != nil {
			t.Fatalf("Save: %v", err)
		}
		got, err := st.Load(ctx, s.ID)
		if err != nil || got == nil {
			t.Fatalf("Load = %v, %v; want the session", got, err)
		}
		if got.ID != s.ID || got.Issuer != s.Issuer || got.Subject != s.Subject || got.SID != s.SID ||
			got.CSRF != s.CSRF || got.IDToken != s.IDToken || got.Protocol != s.Protocol {
			t.Errorf("Load = %+v\nwant %+v", got, s)
		}
		for name, pair := range map[string][2]time.Time{
			"CreatedAt": {got.CreatedAt, s.CreatedAt}, "LastSeen": {got.LastSeen, s.LastSeen},
			"IdleUntil": {got.IdleUntil, s.IdleUntil}, "AbsoluteUntil": {got.AbsoluteUntil, s.AbsoluteUntil},
		} {
			if !pair[0].Equal(pair[1]) {
				t.Errorf("%s = %v, want %v", name, pair[0], pair[1])
			}
		}
		if got.Identity == nil || got.Identity.Subject != s.Subject || got.Identity.FullName != "Nguyễn Thị Minh Khai" {
			t.Errorf("Identity = %+v, want rebuilt from claims", got.Identity)
		}
	})

	t.Run("RefreshNeverResurrects", func(t *testing.T) {
		st := newStore(t)
		rs, ok := st.(web.SessionRefresher)
		if !ok {
			t.Skip("store does not implement web.SessionRefresher")
		}
		s := newSession(t, iss, "sub-"+randomID(t), "sid-"+randomID(t), time.Hour)
		if err := st.Save(ctx, s); err != nil {
			t.Fatalf("Save: %v", err)
		}
		// A live session is refreshed in place.
		later := *s
		later.LastSeen = s.LastSeen.Add(time.Minute)
		if stored, err := rs.Refresh(ctx, &later); err != nil || !stored {
			t.Fatalf("Refresh(live) = %v, %v; want true", stored, err)
		}
		if got, err := st.Load(ctx, s.ID); err != nil || got == nil || !got.LastSeen.Equal(later.LastSeen) {
			t.Fatalf("after Refresh, Load = %+v, %v", got, err)
		}
		// A logout between a request's Load and its refresh wins.
		if n, err := st.DeleteBySID(ctx, s.Issuer, s.SID); err != nil || n != 1 {
			t.Fatalf("DeleteBySID = %d, %v", n, err)
		}
		if stored, err := rs.Refresh(ctx, &later); err != nil || stored {
			t.Fatalf("Refresh(logged out) = %v, %v; want false", stored, err)
		}
		if got, err := st.Load(ctx, s.ID); err != nil || got != nil {
			t.Fatalf("logged-out session came back: %+v, %v", got, err)
		}
	})

	t.Run("LoadMissing", func(t *testing.T) {
		st := newStore(t)
		got, err := st.Load(ctx, randomID(t))
		if got != nil || err != nil {
			t.Fatalf("Load(missing) = %v, %v; want nil, nil", got, err)
		}
	})

	t.Run("SaveReplaces", func(t *testing.T) {
		st := newStore(t)
		s := newSession(t, iss, "sub-"+randomID(t), "sid-"+randomID(t), time.Hour)
		mustSave(t, st, s)
		s.CSRF = "changed"
		s.LastSeen = s.LastSeen.Add(time.Second)
		mustSave(t, st, s)
		got := mustLoad(t, st, s.ID)
		if got == nil || got.CSRF != "changed" || !got.LastSeen.Equal(s.LastSeen) {
			t.Fatalf("after second Save, Load = %+v; want the replacement", got)
		}
	})

	t.Run("SaveKeepsCopy", func(t *testing.T) {
		// Save must copy: the caller may change its value afterwards
		// (Load's result, by contrast, is read-only for the caller).
		st := newStore(t)
		s := newSession(t, iss, "sub-"+randomID(t), "", time.Hour)
		want := s.CSRF
		mustSave(t, st, s)
		s.CSRF = "mutated after save"
		if got := mustLoad(t, st, s.ID); got == nil || got.CSRF != want {
			t.Fatalf("store shares memory with its caller: CSRF = %q", got.CSRF)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		st := newStore(t)
		s := newSession(t, iss, "sub-"+randomID(t), "sid-"+randomID(t), time.Hour)
		mustSave(t, st, s)
		if err := st.Delete(ctx, s.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if got := mustLoad(t, st, s.ID); got != nil {
			t.Fatalf("Load after Delete = %+v", got)
		}
		if err := st.Delete(ctx, s.ID); err != nil {
			t.Fatalf("Delete(missing) = %v, want nil", err)
		}
		// The index must not resurrect or count it.
		if n, err := st.DeleteBySID(ctx, s.Issuer, s.SID); err != nil || n != 0 {
			t.Fatalf("DeleteBySID after Delete = %d, %v; want 0, nil", n, err)
		}
	})

	t.Run("DeleteBySID", func(t *testing.T) {
		st := newStore(t)
		sid, sub := "sid-"+randomID(t), "sub-"+randomID(t)
		a := newSession(t, iss, sub, sid, time.Hour)
		b := newSession(t, iss, sub, sid, time.Hour)                    // same IdP session, another browser tab set
		other := newSession(t, iss, sub, "sid-"+randomID(t), time.Hour) // same person, another IdP session
		otherIss := newSession(t, iss+"/other", sub, sid, time.Hour)    // same sid at another issuer
		for _, s := range []*web.Session{a, b, other, otherIss} {
			mustSave(t, st, s)
		}
		n, err := st.DeleteBySID(ctx, iss, sid)
		if err != nil || n != 2 {
			t.Fatalf("DeleteBySID = %d, %v; want 2, nil", n, err)
		}
		for _, s := range []*web.Session{a, b} {
			if got := mustLoad(t, st, s.ID); got != nil {
				t.Errorf("session %s survived DeleteBySID", s.ID[:8])
			}
		}
		for _, s := range []*web.Session{other, otherIss} {
			if got := mustLoad(t, st, s.ID); got == nil {
				t.Errorf("unrelated session %s was deleted", s.ID[:8])
			}
		}
		if n, err := st.DeleteBySID(ctx, iss, sid); err != nil || n != 0 {
			t.Fatalf("second DeleteBySID = %d, %v; want 0, nil", n, err)
		}
	})

	t.Run("DeleteBySubject", func(t *testing.T) {
		st := newStore(t)
		sub := "sub-" + randomID(t)
		a := newSession(t, iss, sub, "sid-"+randomID(t), time.Hour)
		b := newSession(t, iss, sub, "", time.Hour)
		other := newSession(t, iss, "sub-"+randomID(t), a.SID, time.Hour)
		otherIss := newSession(t, iss+"/other", sub, "", time.Hour)
		for _, s := range []*web.Session{a, b, other, otherIss} {
			mustSave(t, st, s)
		}
		n, err := st.DeleteBySubject(ctx, iss, sub)
		if err != nil || n != 2 {
			t.Fatalf("DeleteBySubject = %d, %v; want 2, nil", n, err)
		}
		for _, s := range []*web.Session{a, b} {
			if got := mustLoad(t, st, s.ID); got != nil {
				t.Errorf("session %s survived DeleteBySubject", s.ID[:8])
			}
		}
		for _, s := range []*web.Session{other, otherIss} {
			if got := mustLoad(t, st, s.ID); got == nil {
				t.Errorf("unrelated session %s was deleted", s.ID[:8])
			}
		}
	})

	t.Run("DeleteBySIDAndSubject", func(t *testing.T) {
		// A logout naming a person and an IdP session (a SAML
		// LogoutRequest's NameID and SessionIndex, a logout token's sub
		// and sid) ends only that person's sessions of it.
		st := newStore(t)
		d, ok := st.(web.SessionSubjectDeleter)
		if !ok {
			t.Skip("store does not implement web.SessionSubjectDeleter")
		}
		subA, subB := "sub-"+randomID(t), "sub-"+randomID(t)
		sid, sidB := "sid-"+randomID(t), "sid-"+randomID(t)
		a1 := newSession(t, iss, subA, sid, time.Hour)
		a2 := newSession(t, iss, subA, sid, time.Hour)                    // A's second browser in the same IdP session
		b := newSession(t, iss, subB, sidB, time.Hour)                    // B's own IdP session
		bShared := newSession(t, iss, subB, sid, time.Hour)               // B under A's sid (a confused or hostile IdP)
		aOther := newSession(t, iss, subA, "sid-"+randomID(t), time.Hour) // A, another IdP session
		aOtherIss := newSession(t, iss+"/other", subA, sid, time.Hour)    // A, same sid at another issuer
		for _, s := range []*web.Session{a1, a2, b, bShared, aOther, aOtherIss} {
			mustSave(t, st, s)
		}
		// A's subject with B's sid: nothing of B's ends.
		if n, err := d.DeleteBySIDAndSubject(ctx, iss, sidB, subA); err != nil || n != 0 {
			t.Fatalf("DeleteBySIDAndSubject(B's sid, A) = %d, %v; want 0, nil", n, err)
		}
		if got := mustLoad(t, st, b.ID); got == nil {
			t.Fatal("B's session ended by a logout naming A")
		}
		// Empty sid or subject: nothing.
		for _, p := range [][2]string{{"", subA}, {sid, ""}} {
			if n, err := d.DeleteBySIDAndSubject(ctx, iss, p[0], p[1]); err != nil || n != 0 {
				t.Fatalf("DeleteBySIDAndSubject(%q, %q) = %d, %v; want 0, nil", p[0], p[1], n, err)
			}
		}
		n, err := d.DeleteBySIDAndSubject(ctx, iss, sid, subA)
		if err != nil || n != 2 {
			t.Fatalf("DeleteBySIDAndSubject(sid, A) = %d, %v; want 2, nil", n, err)
		}
		for _, s := range []*web.Session{a1, a2} {
			if got := mustLoad(t, st, s.ID); got != nil {
				t.Errorf("session %s survived DeleteBySIDAndSubject", s.ID[:8])
			}
		}
		for _, s := range []*web.Session{b, bShared, aOther, aOtherIss} {
			if got := mustLoad(t, st, s.ID); got == nil {
				t.Errorf("unrelated session %s (sub %s, sid %s) was deleted", s.ID[:8], s.Subject[:8], s.SID[:8])
			}
		}
		// The session of another subject stays in the sid's index.
		if n, err := st.DeleteBySID(ctx, iss, sid); err != nil || n != 1 {
			t.Fatalf("DeleteBySID afterwards = %d, %v; want 1 (B's session of that sid)", n, err)
		}
		// A session saved again under another subject is judged on it.
		s := newSession(t, iss, subA, "sid-"+randomID(t), time.Hour)
		mustSave(t, st, s)
		s.Subject = subB
		mustSave(t, st, s)
		if n, err := d.DeleteBySIDAndSubject(ctx, iss, s.SID, subA); err != nil || n != 0 {
			t.Fatalf("DeleteBySIDAndSubject(old subject) = %d, %v; want 0, nil", n, err)
		}
		if n, err := d.DeleteBySIDAndSubject(ctx, iss, s.SID, subB); err != nil || n != 1 {
			t.Fatalf("DeleteBySIDAndSubject(new subject) = %d, %v; want 1, nil", n, err)
		}
	})

	t.Run("IndexFollowsReplace", func(t *testing.T) {
		// A session saved again with another sid must leave the old
		// sid's index: logging out the old IdP session must not end it.
		st := newStore(t)
		s := newSession(t, iss, "sub-"+randomID(t), "sid-"+randomID(t), time.Hour)
		mustSave(t, st, s)
		oldSID := s.SID
		s.SID = "sid-" + randomID(t)
		mustSave(t, st, s)
		if n, err := st.DeleteBySID(ctx, iss, oldSID); err != nil || n != 0 {
			t.Fatalf("DeleteBySID(old sid) = %d, %v; want 0, nil", n, err)
		}
		if got := mustLoad(t, st, s.ID); got == nil {
			t.Fatal("session deleted through its old sid")
		}
		if n, err := st.DeleteBySID(ctx, iss, s.SID); err != nil || n != 1 {
			t.Fatalf("DeleteBySID(new sid) = %d, %v; want 1, nil", n, err)
		}
	})

	t.Run("Expiry", func(t *testing.T) {
		st := newStore(t)
		idle := newSession(t, iss, "sub-"+randomID(t), "sid-"+randomID(t), shortTTL)
		abs := newSession(t, iss, "sub-"+randomID(t), "", time.Hour)
		abs.AbsoluteUntil = time.Now().Add(shortTTL)
		live := newSession(t, iss, "sub-"+randomID(t), "", time.Hour)
		for _, s := range []*web.Session{idle, abs, live} {
			mustSave(t, st, s)
		}
		time.Sleep(wait)
		if got := mustLoad(t, st, idle.ID); got != nil {
			t.Error("session past its idle deadline still loads")
		}
		if got := mustLoad(t, st, abs.ID); got != nil {
			t.Error("session past its absolute deadline still loads")
		}
		if got := mustLoad(t, st, live.ID); got == nil {
			t.Error("live session lost")
		}
		if n, err := st.DeleteBySID(ctx, iss, idle.SID); err != nil || n != 0 {
			t.Errorf("DeleteBySID(expired) = %d, %v; want 0, nil", n, err)
		}
	})

	t.Run("SaveExpired", func(t *testing.T) {
		st := newStore(t)
		s := newSession(t, iss, "sub-"+randomID(t), "", time.Hour)
		mustSave(t, st, s)
		s.IdleUntil = time.Now().Add(-time.Second)
		mustSave(t, st, s)
		if got := mustLoad(t, st, s.ID); got != nil {
			t.Fatal("saving an expired session must delete it")
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		st := newStore(t)
		sid := "sid-" + randomID(t)
		var wg sync.WaitGroup
		ids := make(chan string, Racers)
		for range Racers {
			wg.Go(func() {
				s := newSession(t, iss, "sub-"+randomID(t), sid, time.Hour)
				if err := st.Save(ctx, s); err != nil {
					t.Errorf("Save: %v", err)
					return
				}
				if got, err := st.Load(ctx, s.ID); err != nil || got == nil {
					t.Errorf("Load = %v, %v", got, err)
				}
				ids <- s.ID
			})
		}
		wg.Wait()
		close(ids)
		n, err := st.DeleteBySID(ctx, iss, sid)
		if err != nil || n != Racers {
			t.Fatalf("DeleteBySID = %d, %v; want %d, nil", n, err, Racers)
		}
		for id := range ids {
			if got := mustLoad(t, st, id); got != nil {
				t.Fatalf("session %s survived", id[:8])
			}
		}
	})
}

// TestPendingStore runs the PendingStore conformance tests; newStore returns
// a store for one subtest.
func TestPendingStore(t *testing.T, newStore func(t *testing.T) web.PendingStore) {
	ctx := context.Background()

	t.Run("PutTake", func(t *testing.T) {
		st := newStore(t)
		key, val := "state:"+randomID(t), []byte("value\x00with binary \xff")
		if err := st.Put(ctx, key, val, time.Minute); err != nil {
			t.Fatalf("Put: %v", err)
		}
		got, err := st.Take(ctx, key)
		if err != nil || !bytes.Equal(got, val) {
			t.Fatalf("Take = %q, %v; want %q", got, err, val)
		}
		if got, err := st.Take(ctx, key); got != nil || err != nil {
			t.Fatalf("second Take = %q, %v; want nil, nil (single use)", got, err)
		}
	})

	t.Run("TakeMissing", func(t *testing.T) {
		st := newStore(t)
		if got, err := st.Take(ctx, randomID(t)); got != nil || err != nil {
			t.Fatalf("Take(missing) = %q, %v; want nil, nil", got, err)
		}
	})

	t.Run("PutExisting", func(t *testing.T) {
		st := newStore(t)
		key := randomID(t)
		if err := st.Put(ctx, key, []byte("first"), time.Minute); err != nil {
			t.Fatal(err)
		}
		err := st.Put(ctx, key, []byte("second"), time.Minute)
		if !errors.Is(err, web.ErrExists) {
			t.Fatalf("Put over a live key = %v; want ErrExists", err)
		}
		if got, _ := st.Take(ctx, key); string(got) != "first" {
			t.Fatalf("Take = %q; the first value must survive", got)
		}
	})

	t.Run("PutKeepsCopy", func(t *testing.T) {
		st := newStore(t)
		key, val := randomID(t), []byte("original")
		if err := st.Put(ctx, key, val, time.Minute); err != nil {
			t.Fatal(err)
		}
		copy(val, "MUTATED!")
		if got, _ := st.Take(ctx, key); string(got) != "original" {
			t.Fatalf("Take = %q; store must not alias the caller's slice", got)
		}
	})

	t.Run("Expiry", func(t *testing.T) {
		st := newStore(t)
		key := randomID(t)
		if err := st.Put(ctx, key, []byte("v"), shortTTL); err != nil {
			t.Fatal(err)
		}
		time.Sleep(wait)
		if got, err := st.Take(ctx, key); got != nil || err != nil {
			t.Fatalf("Take after TTL = %q, %v; want nil, nil", got, err)
		}
		// An expired key is free again.
		if err := st.Put(ctx, key, []byte("again"), time.Minute); err != nil {
			t.Fatalf("Put after expiry: %v", err)
		}
	})

	t.Run("TakeRace", func(t *testing.T) {
		st := newStore(t)
		key := randomID(t)
		if err := st.Put(ctx, key, []byte("once"), time.Minute); err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int32
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range Racers {
			wg.Go(func() {
				<-start
				got, err := st.Take(ctx, key)
				if err != nil {
					t.Errorf("Take: %v", err)
				}
				if got != nil {
					wins.Add(1)
				}
			})
		}
		close(start)
		wg.Wait()
		if n := wins.Load(); n != 1 {
			t.Fatalf("%d of %d concurrent Takes got the value; want exactly 1", n, Racers)
		}
	})

	t.Run("PutRace", func(t *testing.T) {
		st := newStore(t)
		key := randomID(t)
		var ok atomic.Int32
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range Racers {
			wg.Go(func() {
				<-start
				err := st.Put(ctx, key, []byte("v"), time.Minute)
				switch {
				case err == nil:
					ok.Add(1)
				case !errors.Is(err, web.ErrExists):
					t.Errorf("Put: %v", err)
				}
			})
		}
		close(start)
		wg.Wait()
		if n := ok.Load(); n != 1 {
			t.Fatalf("%d of %d concurrent Puts succeeded; want exactly 1", n, Racers)
		}
	})
}

func mustSave(t *testing.T, st web.SessionStore, s *web.Session) {
	t.Helper()
	if err := st.Save(context.Background(), s); err != nil {
		t.Fatalf("Save: %v", err)
	}
}

func mustLoad(t *testing.T, st web.SessionStore, id string) *web.Session {
	t.Helper()
	s, err := st.Load(context.Background(), id)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}
