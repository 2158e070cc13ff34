package saml

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// ParseResponse is the Assertion Consumer Service: it reads the
// HTTP-POST binding's SAMLResponse from r and returns the login, or an
// error wrapping one of the package's sentinels. Order of checks:
//
//  1. size limits (body, base64, decoded XML), then a byte scan refusing
//     DOCTYPE/ENTITY, comments, CDATA and processing instructions;
//  2. exactly one Assertion in the whole document; the signature policy,
//     verified by goxmldsig against the IdP metadata certificates only;
//     everything below is read from the signed bytes;
//  3. Issuer, Destination, Status, IssueInstant, Recipient, audience,
//     NotBefore / NotOnOrAfter with this SP's clock and MaxClockSkew;
//  4. unsolicited responses refused unless AllowIdPInitiated;
//  5. the assertion ID recorded in the replay cache (a second use fails
//     with ErrReplay, on any replica sharing the cache);
//  6. InResponseTo taken (single use) from the RequestStore and matched to
//     this browser's binding cookie.
//
// If r's form was already parsed by the caller, the body limit is the
// caller's; the message limits still apply.
func (sp *ServiceProvider) ParseResponse(ctx context.Context, r *http.Request) (*Assertion, error) {
	if r.Method != http.MethodPost {
		return nil, errf(ErrMalformed, "the ACS accepts POST only")
	}
	if r.PostForm == nil {
		r.Body = http.MaxBytesReader(nil, r.Body, sp.bodyLimit())
		if err := r.ParseForm(); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, errf(ErrTooLarge, "request body over %d bytes", sp.bodyLimit())
			}
			return nil, errf(ErrMalformed, "form does not parse")
		}
	}
	vals := r.PostForm["SAMLResponse"]
	if len(vals) != 1 {
		return nil, errf(ErrMalformed, "want exactly one SAMLResponse")
	}
	relay := ""
	if rs := r.PostForm["RelayState"]; len(rs) == 1 {
		relay = rs[0]
	} else if len(rs) > 1 {
		return nil, errf(ErrMalformed, "repeated RelayState")
	}
	return sp.consume(ctx, vals[0], relay, sp.cookieSecret(r))
}

// bodyLimit allows the base64 message, URL-escaped in the worst case,
// plus room for RelayState.
func (sp *ServiceProvider) bodyLimit() int64 {
	return int64(sp.maxMsg)*4 + 16<<10
}

// consume runs the whole ACS pipeline on one encoded response.
func (sp *ServiceProvider) consume(ctx context.Context, encoded, relay, browserSecret string) (*Assertion, error) {
	d, err := sp.md.get(ctx)
	if err != nil {
		return nil, err
	}
	raw, err := decodeBase64(encoded, sp.maxMsg)
	if err != nil {
		return nil, err
	}
	root, err := parseXML(raw)
	if err != nil {
		return nil, err
	}
	now := sp.now()
	c, err := sp.checkResponse(d, root, now)
	if err != nil {
		return nil, err
	}
	if c.inResponseTo == "" && !sp.allowIdPInitiated {
		return nil, ErrUnsolicited
	}
	if err := sp.remember(ctx, c.assertionID, c.replayUntil); err != nil {
		return nil, err
	}
	out := &Assertion{
		NameID:               c.subject.nameID,
		NameIDFormat:         c.subject.nameIDFormat,
		SessionIndex:         c.subject.sessionIndex,
		Issuer:               d.entityID,
		AssertionID:          c.assertionID,
		AuthnInstant:         c.subject.authnInstant,
		AuthnContextClassRef: c.subject.authnContext,
		SessionNotOnOrAfter:  c.subject.sessionNotOnOrAfter,
	}
	if c.inResponseTo == "" {
		out.IdPInitiated = true
		out.RelayState = relay
	} else {
		rec, err := sp.takePending(ctx, kindAuthn, c.inResponseTo, browserSecret)
		if err != nil {
			return nil, err
		}
		out.RelayState = rec.Relay
	}
	if out.Identity, err = sp.identity(c); err != nil {
		return nil, err
	}
	return out, nil
}

// remember records a one-time ID until it expires; a second use is
// ErrReplay. The ID is recorded only after every stateless check passed,
// so forged messages cannot fill the cache.
func (sp *ServiceProvider) remember(ctx context.Context, id string, until time.Time) error {
	err := sp.replay.Remember(ctx, "saml:"+id, until)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, vnconnect.ErrReplay):
		return ErrReplay
	default:
		return fmt.Errorf("saml: replay cache: %w", err)
	}
}
