package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

func TestMarshalSession(t *testing.T) {
	id, err := vnconnect.IdentityFromClaims([]byte(`{"sub":"s1","TechID":"b8c2f30e-be29-48a8-a26f-be4c8647ff52","HoVaTen":"Nguyễn Văn An","SoDinhDanh":"001085004217"}`))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	s := &web.Session{ID: "id", Protocol: web.ProtocolOIDC, Issuer: "https://idp/oauth2/token", Subject: "s1", SID: "sid",
		Identity: id, IDToken: "a.b.c", CSRF: "csrf", CreatedAt: now, LastSeen: now,
		IdleUntil: now.Add(time.Minute), AbsoluteUntil: now.Add(time.Hour)}
	data, err := web.MarshalSession(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"v":1`) {
		t.Errorf("no format version: %s", data)
	}
	got, err := web.UnmarshalSession(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Identity == nil || got.Identity.FullName != "Nguyễn Văn An" || got.Identity.CCCD == nil || got.SID != "sid" ||
		!got.IdleUntil.Equal(s.IdleUntil) || got.CSRF != "csrf" || !got.ExpiresAt().Equal(s.IdleUntil) {
		t.Fatalf("round trip: %+v", got)
	}
	if s.Claims != nil {
		t.Error("MarshalSession modified its argument")
	}
	for _, in := range []string{``, `{}`, `{"v":2,"id":"x"}`, `{"v":1}`, `{"v":1,"id":"x","claims":{"HoVaTen":"no sub"}}`, `[]`} {
		if _, err := web.UnmarshalSession([]byte(in)); err == nil {
			t.Errorf("UnmarshalSession(%s) succeeded", in)
		}
	}
}

func TestSessionExpiry(t *testing.T) {
	now := time.Now()
	for _, c := range []struct {
		idle, abs time.Time
		expired   bool
	}{
		{now.Add(time.Minute), now.Add(time.Hour), false},
		{now.Add(time.Hour), now.Add(time.Minute), false},
		{now.Add(-time.Second), now.Add(time.Hour), true},
		{now.Add(time.Hour), now, true},
		{time.Time{}, time.Time{}, true},
	} {
		s := &web.Session{IdleUntil: c.idle, AbsoluteUntil: c.abs}
		if got := s.Expired(now); got != c.expired {
			t.Errorf("idle %v abs %v: Expired = %v", c.idle, c.abs, got)
		}
	}
}
