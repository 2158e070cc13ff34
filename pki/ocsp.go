package pki

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/asn1"
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
// MaxResponseAge when absent — not past, with skew). Requests carry a nonce
// under Config.OCSPNonce (ocsp_nonce.go); responders that pre-sign their
// answers do not echo it, and then freshness is the replay bound. A
// delegate's own revocation is checked by CRL unless it carries
// id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1; see checkResponder).

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

// ocspStatus asks chain[i]'s OCSP responders about it (chain[i+1] is the
// issuer), using a cached answer while it is fresh.
func (r *revCtx) ocspStatus(chain []*x509.Certificate, i int) RevocationStatus {
	v, c, issuer := r.v, chain[i], chain[i+1]
	if len(c.OCSPServer) == 0 {
		return RevocationStatus{Err: fmt.Errorf("%w: no OCSP responder", ErrOCSPInvalid)}
	}
	key := ocspKey(c, issuer)
	v.ocsp.mu.Lock()
	cached := v.ocsp.m[key]
	v.ocsp.mu.Unlock()
	if cached != nil && v.checkOCSPFresh(cached, r.at) == nil {
		// The responder's own status may have changed since the answer
		// was cached: it is established on every use.
		if err := r.checkResponder(cached, chain, i); err == nil {
			return ocspResult(cached)
		}
	}
	var lastErr error
	for _, u := range c.OCSPServer {
		resp, err := v.queryOCSP(r.ctx, u, c, issuer, r.at)
		if err == nil {
			err = r.checkResponder(resp, chain, i)
		}
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
	var nonce []byte
	if v.cfg.OCSPNonce != OCSPNonceOff {
		if nonce, err = newOCSPNonce(v.rand); err != nil {
			return nil, err
		}
		if reqDER, err = addOCSPNonce(reqDER, nonce); err != nil {
			return nil, err
		}
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
	return v.parseOCSP(body, c, issuer, at, nonce)
}

// parseOCSP checks an OCSP response for c: signature (by x/crypto/ocsp),
// nonce (sent is the request's, nil when none was sent), responder
// authorisation, algorithm policy, freshness. The delegate's revocation is
// checkResponder's.
func (v *Verifier) parseOCSP(der []byte, c, issuer *x509.Certificate, at time.Time, sent []byte) (*ocsp.Response, error) {
	r, err := ocsp.ParseResponseForCert(der, c, issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOCSPInvalid, err)
	}
	if err := checkOCSPNonce(v.cfg.OCSPNonce, r.TBSResponseData, sent); err != nil {
		return nil, err
	}
	if r.SerialNumber == nil || r.SerialNumber.Cmp(c.SerialNumber) != 0 {
		return nil, fmt.Errorf("%w: answer for another certificate", ErrOCSPInvalid)
	}
	if err := checkOCSPCertID(r, c, issuer); err != nil {
		return nil, err
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

// checkResponder establishes the revocation status of the delegate that
// signed resp, if any (RFC 6960 §4.2.2.2.1): none is needed when the
// delegate carries id-pkix-ocsp-nocheck (its validity, checked here at the
// verification time for cached answers too, is then the bound); otherwise its CRLs decide, by the same
// rules as for the chain (crlStatus, with the issuer's chain above it). A
// revoked delegate is refused; one whose status stays unknown is refused
// unless the policy is RevocationSoftFail. OCSP is not asked about the
// delegate: it would vouch for itself.
func (r *revCtx) checkResponder(resp *ocsp.Response, chain []*x509.Certificate, i int) error {
	d := resp.Certificate
	if d == nil || d.Equal(chain[i+1]) {
		return nil
	}
	// parseOCSP checked the validity at the time of the query; a cached
	// answer may be used later, when the delegate — whose validity is the
	// only bound on a nocheck delegate — has expired.
	if r.at.Before(d.NotBefore) || r.at.After(d.NotAfter) {
		return fmt.Errorf("%w: responder certificate not valid now", ErrOCSPInvalid)
	}
	if hasOCSPNoCheck(d) {
		return nil
	}
	dchain := append([]*x509.Certificate{d}, chain[i+1:]...)
	st := r.crlStatus(dchain, 0)
	switch st.Status {
	case StatusRevoked:
		return fmt.Errorf("%w: responder certificate revoked (reason %d)", ErrOCSPInvalid, st.Reason)
	case StatusUnknown:
		if r.v.cfg.Revocation != RevocationSoftFail {
			return fmt.Errorf("%w: responder certificate revocation unknown: %w", ErrOCSPInvalid, st.Err)
		}
	}
	return nil
}

// hasOCSPNoCheck reports an id-pkix-ocsp-nocheck extension whose value is
// NULL, as RFC 6960 requires; a malformed one counts as absent, so the
// delegate's revocation is checked.
func hasOCSPNoCheck(c *x509.Certificate) bool {
	for _, e := range c.Extensions {
		if e.Id.Equal(oidOCSPNoCheck) {
			return bytes.Equal(e.Value, asn1.NullBytes)
		}
	}
	return false
}
