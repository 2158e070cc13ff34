package vnconnect

import (
	"encoding/json"
	"errors"
	"time"
)

// IDToken is an ID token whose signature and claims IDTokenVerifier.Verify
// has checked. Times are zero when the claim was absent.
type IDToken struct {
	Issuer          string    // iss
	Subject         string    // sub
	Audience        []string  // aud (always a list, even when sent as a string)
	AuthorizedParty string    // azp
	Expiry          time.Time // exp
	IssuedAt        time.Time // iat
	NotBefore       time.Time // nbf
	AuthTime        time.Time // auth_time
	Nonce           string    // nonce
	ACR             string    // acr: "LoA1".."LoA4" on Vnconnect
	AMR             []string  // amr
	AtHash          string    // at_hash
	CHash           string    // c_hash
	SID             string    // sid: the provider's session, matched by logout tokens
	Raw             string    // the compact token as received (e.g. for id_token_hint)

	claims string // the verified claim set (JSON)
}

// Claims decodes the token's full claim set (including Vnconnect-specific
// ones such as TechID) into v, as json.Unmarshal does.
func (t *IDToken) Claims(v any) error {
	if t == nil || len(t.claims) == 0 {
		return errors.New("vnconnect: IDToken has no verified claims")
	}
	return json.Unmarshal([]byte(t.claims), v)
}
