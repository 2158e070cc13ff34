package saml

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	crewjam "github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// Both benchmarks verify the same signed responses (WSO2's default shape:
// the Response signed, RSA-SHA256, exclusive c14n) through the whole ACS:
// form parsing, base64, XML, signature, conditions. Ours also does the
// replay cache, the request store and the Identity mapping; crewjam's does
// neither. A pool of distinct responses is cycled so that the replay and
// request stores see fresh IDs; between cycles the stores are refilled
// with the timer stopped.
//
//	go test -run '^$' -bench 'SAMLACS|CrewjamParseResponse' -benchmem ./vnconnect/saml/

const benchPool = 512

type benchInput struct {
	reqIDs []string
	bodies []string // url-encoded form bodies
}

var (
	benchOnce sync.Once
	benchIn   benchInput
)

func benchInputs(b *testing.B) benchInput {
	testKeys(b)
	benchOnce.Do(func() {
		for i := 0; i < benchPool; i++ {
			id := nextID("_req")
			body := url.Values{"SAMLResponse": {signedResp(mint{inResponseTo: id})}}.Encode()
			benchIn.reqIDs = append(benchIn.reqIDs, id)
			benchIn.bodies = append(benchIn.bodies, body)
		}
	})
	return benchIn
}

func acsRequest(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, testACS, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// swapReplay delegates to a vnconnect.MemoryReplayCache that the
// benchmark replaces between cycles (the pool's IDs repeat).
type swapReplay struct{ c *vnconnect.MemoryReplayCache }

func (s *swapReplay) Remember(ctx context.Context, id string, until time.Time) error {
	return s.c.Remember(ctx, id, until)
}

func BenchmarkSAMLACS(b *testing.B) {
	in := benchInputs(b)
	clock := func() time.Time { return testNow }
	store := NewMemoryRequestStore(clock)
	replay := &swapReplay{}
	sp := testSP(b, func(c *Config) { c.Requests, c.Replay = store, replay })
	ctx := context.Background()
	refill := func() {
		replay.c = vnconnect.NewMemoryReplayCache(clock)
		for _, id := range in.reqIDs {
			if err := sp.putPending(ctx, pendingRecord{Kind: kindAuthn, ID: id, Relay: "/"}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % benchPool
		if k == 0 {
			b.StopTimer()
			refill()
			b.StartTimer()
		}
		if _, err := sp.ParseResponse(ctx, acsRequest(in.bodies[k])); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCrewjamParseResponse runs crewjam's ServiceProvider.ParseResponse
// on the same inputs. crewjam reads the time from its package globals
// TimeNow and Clock; this benchmark (test code, run once per process) sets
// them in setup. The SP itself never touches them.
func BenchmarkCrewjamParseResponse(b *testing.B) {
	in := benchInputs(b)
	crewjam.TimeNow = func() time.Time { return testNow }
	crewjam.Clock = dsig.NewFakeClockAt(testNow)
	var md crewjam.EntityDescriptor
	if err := xmlUnmarshal(idpMetadata(keyIdP.cert), &md); err != nil {
		b.Fatal(err)
	}
	acs, _ := url.Parse(testACS)
	mdURL, _ := url.Parse(testSPEntity)
	csp := crewjam.ServiceProvider{
		EntityID:    testSPEntity,
		Key:         keySP.key,
		Certificate: keySP.cert,
		AcsURL:      *acs,
		MetadataURL: *mdURL,
		IDPMetadata: &md,
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % benchPool
		r := acsRequest(in.bodies[k])
		if err := r.ParseForm(); err != nil { // as crewjam's samlsp ServeACS does
			b.Fatal(err)
		}
		if _, err := csp.ParseResponse(r, []string{in.reqIDs[k]}); err != nil {
			var ire *crewjam.InvalidResponseError
			if errors.As(err, &ire) {
				err = ire.PrivateErr
			}
			b.Fatal(err)
		}
	}
}
