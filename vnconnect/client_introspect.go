package vnconnect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Introspection is the typed answer of the introspection endpoint
// (RFC 7662 §2.2). Only Active is always meaningful: for an inactive token the
// server omits everything else.
type Introspection struct {
	Active    bool
	Scope     string
	ClientID  string
	Username  string
	TokenType string
	Exp       time.Time // zero when absent
	Iat       time.Time // zero when absent
	Nbf       time.Time // zero when absent
	Sub       string
	Aud       []string
	Iss       string
	JTI       string
	// Raw holds every member as received, for WSO2 extensions.
	Raw map[string]json.RawMessage
}

// Introspect asks Vnconnect whether token is active (RFC 7662), with the
// client's credentials. A response without a boolean "active" fails with
// ErrInvalidResponse; an error status is a *RetrieveError.
//
// Active comes from the server; the client does not second-guess it with its
// own clock, but Exp is there for callers who cache the answer.
func (c *Client) Introspect(ctx context.Context, token string) (*Introspection, error) {
	if token == "" {
		return nil, errors.New("vnconnect: Introspect: empty token")
	}
	if c.endpoint.IntrospectionURL == "" {
		return nil, errors.New("vnconnect: Endpoint.IntrospectionURL is not configured")
	}
	form := url.Values{}
	form.Set("token", token)
	r, err := c.postClientForm(ctx, c.endpoint.IntrospectionURL, form, "introspection")
	if err != nil {
		return nil, err
	}
	return parseIntrospection(r.body)
}

// parseIntrospection maps an RFC 7662 response. Members with an unexpected
// type are left at their zero value (they are informative), except "active",
// which decides everything and must be a JSON boolean.
func parseIntrospection(body []byte) (*Introspection, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return nil, fmt.Errorf("vnconnect: introspection: response is not a JSON object: %w", ErrInvalidResponse)
	}
	in := &Introspection{Raw: m}
	switch string(m["active"]) {
	case "true":
		in.Active = true
	case "false":
	default:
		// Missing, null, "true" as a string…: refuse rather than guess on
		// the one member that grants access.
		return nil, fmt.Errorf("vnconnect: introspection: \"active\" missing or not a boolean: %w", ErrInvalidResponse)
	}
	str := func(k string) string {
		var s string
		_ = json.Unmarshal(m[k], &s)
		return s
	}
	in.Scope = str("scope")
	in.ClientID = str("client_id")
	in.Username = str("username")
	in.TokenType = str("token_type")
	in.Sub = str("sub")
	in.Iss = str("iss")
	in.JTI = str("jti")
	in.Exp = numericDate(m["exp"])
	in.Iat = numericDate(m["iat"])
	in.Nbf = numericDate(m["nbf"])
	if a := m["aud"]; a != nil {
		var one string
		if json.Unmarshal(a, &one) == nil {
			if one != "" {
				in.Aud = []string{one}
			}
		} else {
			_ = json.Unmarshal(a, &in.Aud)
		}
	}
	return in, nil
}

// numericDate reads seconds since the epoch given as a JSON number or a
// numeric string; anything else, or a value out of range, is the zero time.
func numericDate(raw json.RawMessage) time.Time {
	s := strings.Trim(string(raw), `"`)
	if s == "" || s == "null" {
		return time.Time{}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f <= 0 || f > 1e11 {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}
