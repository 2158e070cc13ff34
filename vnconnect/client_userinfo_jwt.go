package vnconnect

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// verifiedUserInfoJWT verifies a signed UserInfo response (OIDC Core §5.3.2)
// with the same key set and algorithm allow-list as ID tokens and returns
// its claims. Only the signature and iss/aud are checked: a UserInfo JWT has
// no nonce and, on WSO2, usually no exp.
func (c *Client) verifiedUserInfoJWT(ctx context.Context, raw string) ([]byte, error) {
	tok, err := verifyCompact(ctx, raw, c.algs, c.keys, "userinfo")
	if err != nil {
		return nil, err
	}
	var std struct {
		Iss *string         `json:"iss"`
		Aud json.RawMessage `json:"aud"`
	}
	if err := json.Unmarshal(tok.payload, &std); err != nil {
		return nil, fmt.Errorf("vnconnect: userinfo: claims are not a JSON object: %w", ErrMalformedToken)
	}
	if std.Iss != nil && *std.Iss != c.endpoint.Issuer {
		return nil, fmt.Errorf("vnconnect: userinfo: %w", ErrIssuerMismatch)
	}
	if len(std.Aud) > 0 && string(std.Aud) != "null" {
		var one string
		var many []string
		switch {
		case json.Unmarshal(std.Aud, &one) == nil:
			many = []string{one}
		case json.Unmarshal(std.Aud, &many) == nil:
		default:
			return nil, fmt.Errorf("vnconnect: userinfo: aud is neither string nor array: %w", ErrMalformedToken)
		}
		if !slices.Contains(many, c.clientID) {
			return nil, fmt.Errorf("vnconnect: userinfo: %w", ErrAudienceMismatch)
		}
	}
	return tok.payload, nil
}
