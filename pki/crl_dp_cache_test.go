package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// TestDPCache: a cached answer is the one a fresh parse gives, per
// distinct input (issuer included), and the cache stays bounded.
func TestDPCache(t *testing.T) {
	f := newFixture(t)
	d := newDPCache()
	plain := f.leaf(t, nil)
	withDelta := f.leaf(t, func(c *x509.Certificate) {
		c.ExtraExtensions = []pkix.Extension{freshestExtension(t, fxDeltaURL)}
	})
	noDP := f.leaf(t, func(c *x509.Certificate) { c.CRLDistributionPoints = nil })
	for _, c := range []*x509.Certificate{plain, withDelta, noDP, f.sub} {
		var dpExt, freshExt []byte
		for _, e := range c.Extensions {
			switch {
			case e.Id.Equal(oidCRLDistributionPoints):
				dpExt = e.Value
			case e.Id.Equal(oidFreshestCRL):
				freshExt = e.Value
			}
		}
		want := parseCertDPs(c, dpExt, freshExt)
		for range 2 {
			if got := d.get(c); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: got %+v, want %+v", c.Subject.CommonName, got, want)
			}
		}
	}
	if got := d.get(withDelta).deltas; len(got) != 1 || got[0] != fxDeltaURL {
		t.Errorf("deltas %v", got)
	}
	if got := d.get(noDP).dps; len(got) != 1 || got[0].reasons != allReasons || got[0].names != nil {
		t.Errorf("no extension: %+v, want one empty point", got)
	}
	if len(d.m) != 4 {
		t.Errorf("%d entries for 4 distinct inputs", len(d.m))
	}

	bad := f.leaf(t, func(c *x509.Certificate) {
		c.ExtraExtensions = []pkix.Extension{{Id: oidFreshestCRL, Value: []byte{0x30, 0x03, 0x02, 0x01}}}
	})
	if err := d.get(bad).err; !errors.Is(err, ErrCRLInvalid) {
		t.Errorf("malformed FreshestCRL: %v", err)
	}

	for i := range dpCacheMax + 10 {
		c := &x509.Certificate{RawIssuer: []byte(fmt.Sprint(i))}
		d.get(c)
	}
	if len(d.m) > dpCacheMax {
		t.Errorf("cache grew to %d", len(d.m))
	}
}
