package pki

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/crypto/ocsp"
)

// OCSP (RFC 6960) with golang.org/x/crypto/ocsp. The response must be signed
// by the issuer from the verified chain, or by a delegate the issuer issued
// with the OCSPSigning EKU that is valid at the verification time; it must be
// fresh (thisUpdate not in the future, nextUpdate — or thisUpdate plus
// MaxResponseAge when absent — not past, with skew). Requests carry no nonce
// (most responders, VGCA's included, pre-sign answers), so a captured answer
// can be replayed until it goes stale: freshness is the replay bound. A
// delegate's own revocation is not checked (RFC 6960 id-pkix-ocsp-nocheck
// practice).

const maxOCSPBytes = 1 << 20

type ocspCache struct {
	mu sync.Mutex
	m  map[string]*ocsp.Response
}

const ocspCacheMax = 4096

func newOCSPCache() *ocspCache { return &ocspCache{m: map[string]*ocsp.Response{}} }

func ocspKey(c, issuer *x509.Certificate) string {
	var buf [serialKeyMax]byte
	k, _ := serialKey(&buf, c.SerialNumber)
	return string(issuer.RawSubjectPublicKeyInfo) + "|" + string(k)
}

func (v *Verifier) ocspStatus(ctx context.Context, c, issuer *x509.Certificate, at time.Time) RevocationStatus {
	if len(c.OCSPServer) == 0 {
		return RevocationStatus{Err: fmt.Errorf("%w: no OCSP responder", ErrOCSPInvalid)}
	}
	key := ocspKey(c, issuer)
	v.ocsp.mu.Lock()
	cached := v.ocsp.m[key]
	v.ocsp.mu.Unlock()
	if cached != nil && v.checkOCSPFresh(cached, at) == nil {
		return ocspResult(cached)
	}
	var lastErr error
	for _, u := range c.OCSPServer {
		resp, err := v.queryOCSP(ctx, u, c, issuer, at)
		if err != nil {
			lastErr = err
			continue
		}
		if resp.Status != ocsp.Unknown {
			v.ocsp.mu.Lock()
			if len(v.ocsp.m) >= ocspCacheMax {
				v.ocsp.m = map[string]*ocsp.Response{}
			}
			v.ocsp.m[key] = resp
			v.ocsp.mu.Unlock()
		}
		st := ocspResult(resp)
		if st.Status != StatusUnknown {
			return st
		}
		lastErr = st.Err
	}
	return RevocationStatus{Err: lastErr}
}

func ocspResult(r *ocsp.Response) RevocationStatus {
	switch r.Status {
	case ocsp.Good:
		return RevocationStatus{Status: StatusGood, Source: "ocsp", NextUpdate: r.NextUpdate}
	case ocsp.Revoked:
		return RevocationStatus{Status: StatusRevoked, Source: "ocsp", RevokedAt: r.RevokedAt, Reason: r.RevocationReason, NextUpdate: r.NextUpdate}
	}
	return RevocationStatus{Err: fmt.Errorf("%w: responder does not know the certificate", ErrOCSPInvalid)}
}

func (v *Verifier) queryOCSP(ctx context.Context, rawURL string, c, issuer *x509.Certificate, at time.Time) (*ocsp.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: unsupported OCSP URL", ErrFetch)
	}
	reqDER, err := ocsp.CreateRequest(c, issuer, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOCSPInvalid, err)
	}
	ctx, cancel := context.WithTimeout(ctx, v.cfg.FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(reqDER))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFetch, err)
	}
	req.Header.Set("Content-Type", "application/ocsp-request")
	req.Header.Set("Accept", "application/ocsp-response")
	resp, err := v.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: OCSP responder answered %d", ErrFetch, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxOCSPBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFetch, err)
	}
	if len(body) > maxOCSPBytes {
		return nil, fmt.Errorf("%w: OCSP response too large", ErrOCSPInvalid)
	}
	return v.parseOCSP(body, c, issuer, at)
}

// parseOCSP checks an OCSP response for c: signature (by x/crypto/ocsp),
// responder authorisation, algorithm policy, freshness.
func (v *Verifier) parseOCSP(der []byte, c, issuer *x509.Certificate, at time.Time) (*ocsp.Response, error) {
	r, err := ocsp.ParseResponseForCert(der, c, issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOCSPInvalid, err)
	}
	if r.SerialNumber == nil || r.SerialNumber.Cmp(c.SerialNumber) != 0 {
		return nil, fmt.Errorf("%w: answer for another certificate", ErrOCSPInvalid)
	}
	if isSHA1(r.SignatureAlgorithm) && (v.cfg.InsecureAllowSHA1Before.IsZero() || !r.ProducedAt.Before(v.cfg.InsecureAllowSHA1Before)) {
		return nil, fmt.Errorf("%w: %w", ErrOCSPInvalid, ErrWeakSignature)
	}
	if d := r.Certificate; d != nil && !d.Equal(issuer) {
		// A delegated responder: x/crypto/ocsp checked that issuer signed it
		// and that it signed the response; authorisation is ours to check.
		if !sameName(d.RawIssuer, issuer.RawSubject) {
			return nil, fmt.Errorf("%w: responder not issued by the certificate's issuer", ErrOCSPInvalid)
		}
		if err := v.checkSigned(issuer, d.SignatureAlgorithm, d.RawTBSCertificate, d.Signature, d.NotBefore); err != nil {
			return nil, fmt.Errorf("%w: responder certificate: %w", ErrOCSPInvalid, err)
		}
		ok := false
		for _, e := range d.ExtKeyUsage {
			if e == x509.ExtKeyUsageOCSPSigning {
				ok = true
			}
		}
		if !ok {
			return nil, fmt.Errorf("%w: responder lacks the OCSPSigning EKU", ErrOCSPInvalid)
		}
		if at.Before(d.NotBefore) || at.After(d.NotAfter) {
			return nil, fmt.Errorf("%w: responder certificate not valid now", ErrOCSPInvalid)
		}
	}
	if err := v.checkOCSPFresh(r, at); err != nil {
		return nil, err
	}
	return r, nil
}

func (v *Verifier) checkOCSPFresh(r *ocsp.Response, at time.Time) error {
	skew := v.cfg.MaxClockSkew
	if r.ThisUpdate.After(at.Add(skew)) {
		return fmt.Errorf("%w: thisUpdate in the future", ErrOCSPInvalid)
	}
	next := r.NextUpdate
	if next.IsZero() {
		next = r.ThisUpdate.Add(v.cfg.MaxResponseAge)
	}
	if at.After(next.Add(skew)) {
		return fmt.Errorf("%w: stale response", ErrOCSPInvalid)
	}
	return nil
}
