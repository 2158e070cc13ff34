package vnconnecttest

import (
	"context"
	"testing"
	"time"
)

// Expired state is forgotten on the next login, so a long-running
// development server does not grow without bound.
func TestSweep(t *testing.T) {
	s, clk := newTestServer(t)
	for i := 0; i < 5; i++ {
		tokens(t, s, CitizenTechID)
		if _, err := s.Login(context.Background(), newAuthParams().url(s), CitizenTechID); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(DefaultRefreshTokenTTL + DefaultCodeTTL + time.Second)
	login(t, s, newAuthParams(), CitizenTechID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.codes) != 1 || len(s.access) != 0 || len(s.refresh) != 0 || len(s.sessions) != 1 {
		t.Errorf("codes %d access %d refresh %d sessions %d", len(s.codes), len(s.access), len(s.refresh), len(s.sessions))
	}
}
