// Challenge login.
//
// An agency proves it holds a VGCA certificate by signing a fresh challenge
// with the key on its USB token or SIM: the relying party issues a
// challenge, the browser's signing plugin (or a desktop agent using
// pki/token, or a SIM flow using pki/remotesign) signs its SigningInput,
// and the relying party verifies the answer:
//
//	ch, err := pki.NewChallenger(pki.ChallengeConfig{
//		Verifier: v,                          // a *pki.Verifier with the VGCA roots
//		Audience: "https://quantri.example.gov.vn",
//		// Store: a shared NonceStore (Redis, SQL) when several replicas serve logins
//	})
//	c, err := ch.Issue(ctx, "superadmin-registration")
//	// send c.ID and c.SigningInput() to the browser; the plugin signs the bytes
//	ans, err := pki.ParseAnswer(body)      // or build a pki.Answer directly
//	id, err := ch.VerifyAnswer(ctx, "superadmin-registration", *ans)
//	// id.AgencyCode, id.MST, id.Name, id.CertSerial, id.CertIssuer
//
// The signing input is ASCII text, one "name=value" field per line, in a
// fixed order, each line ending in "\n" (see Challenge.SigningInput):
//
//	rpkit-challenge-v1
//	id=<challenge ID: base64url, no padding>
//	purpose=<purpose: [A-Za-z0-9._:-], at most 64 bytes>
//	audience=<audience: visible ASCII, at most 512 bytes>
//	nonce=<32 random bytes: base64url, no padding>
//	issued=<RFC 3339 UTC, seconds>
//	expires=<RFC 3339 UTC, seconds>
//
// Values cannot contain a line break (Issue and NewChallenger enforce the
// character sets), so the encoding is unambiguous; purpose and audience are
// written plainly so that a plugin that shows the user what they sign shows
// something readable. The version line changes if the format ever does.
//
// The answer is either a raw signature over the signing input (RSA PKCS#1
// v1.5 or PSS, ECDSA in ASN.1 DER or as r‖s, with SHA-256/384/512) with the
// signer's certificate first and its intermediates after, or a CMS/PKCS#7
// SignedData (DER, PEM or base64, as Vietnamese signing plugins return it)
// whose single signer signed the signing input. CMS parsing and signature
// checking is github.com/smallstep/pkcs7's; rpkit adds the checks it leaves
// out (see cms.go). The signer's certificate is then verified with the
// Verifier for UseSigning at the challenger's clock, revocation included.
//
// Every answer consumes its challenge, whatever the outcome: the challenge
// is taken from the store before anything but the ID's syntax is checked,
// so an answer can be tried once (a replay gets ErrChallengeUnknown even
// when its signature is valid) and a stolen challenge ID gives no second
// attempt.
//
// The result, an AgencyIdentity, carries what the super-admin registration
// of package rbac needs; AgencyIdentity.Credential returns those fields in
// a struct convertible to rbac.AgencyCredential (pki does not import rbac).

package pki

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Defaults and bounds of the challenge login.
const (
	// DefaultChallengeTTL is how long a challenge can be answered.
	DefaultChallengeTTL = 5 * time.Minute
	// DefaultChallengeSkew is the tolerance on a CMS signing time, which
	// comes from the user's computer clock.
	DefaultChallengeSkew = 5 * time.Minute
	// ChallengeNonceSize is the size of the random nonce in bytes.
	ChallengeNonceSize = 32
	// MaxPurposeLen and MaxAudienceLen bound the purpose and audience.
	MaxPurposeLen  = 64
	MaxAudienceLen = 512

	// challengeIDSize is the random part of a challenge ID, in bytes.
	challengeIDSize = 18
	// maxChallengeIDLen bounds a challenge ID received in an answer before
	// it reaches the store (it is a key in a Redis or SQL store).
	maxChallengeIDLen = 64
	// expiredGrace keeps a challenge in the store this long after it
	// expires, so that a late answer gets ErrChallengeExpired rather than
	// ErrChallengeUnknown.
	expiredGrace = time.Minute
	// signingInputVersion is the first line of the signing input.
	signingInputVersion = "rpkit-challenge-v1"
)

// ChallengeConfig configures a Challenger.
type ChallengeConfig struct {
	// Verifier verifies the signer's certificate (required).
	Verifier *Verifier
	// Store keeps issued challenges until they are answered (default: a
	// MemoryNonceStore, enough for one process; share a store between
	// replicas that serve the same logins).
	Store NonceStore
	// TTL is how long a challenge can be answered (default 5 minutes).
	TTL time.Duration
	// Audience names the relying party, for example its URL (required). It
	// is in the signed bytes, so a signature made for another relying
	// party does not log in here even with a shared store.
	Audience string
	// MaxClockSkew is tolerated between a CMS signing time and the
	// challenge's validity window (default 5 minutes; negative: none).
	MaxClockSkew time.Duration
	// Clock gives the current time (default time.Now).
	Clock func() time.Time
	// Rand is the source of nonces and IDs (default crypto/rand.Reader).
	Rand io.Reader
}

// Challenger issues login challenges and verifies their answers. It is safe
// for concurrent use.
type Challenger struct {
	verifier *Verifier
	store    NonceStore
	ttl      time.Duration
	audience string
	skew     time.Duration
	clock    func() time.Time
	rand     io.Reader
}

// NewChallenger checks cfg and applies its defaults.
func NewChallenger(cfg ChallengeConfig) (*Challenger, error) {
	if cfg.Verifier == nil {
		return nil, fmt.Errorf("%w: challenger needs a Verifier", ErrConfig)
	}
	if err := checkToken(cfg.Audience, MaxAudienceLen, isVisibleASCII); err != nil {
		return nil, fmt.Errorf("%w: challenger audience: %v", ErrConfig, err)
	}
	if cfg.TTL < 0 {
		return nil, fmt.Errorf("%w: negative challenge TTL", ErrConfig)
	}
	c := &Challenger{
		verifier: cfg.Verifier,
		store:    cfg.Store,
		ttl:      cfg.TTL,
		audience: cfg.Audience,
		skew:     cfg.MaxClockSkew,
		clock:    cfg.Clock,
		rand:     cfg.Rand,
	}
	if c.ttl == 0 {
		c.ttl = DefaultChallengeTTL
	}
	if c.skew == 0 {
		c.skew = DefaultChallengeSkew
	} else if c.skew < 0 {
		c.skew = 0
	}
	if c.clock == nil {
		c.clock = time.Now
	}
	if c.rand == nil {
		c.rand = rand.Reader
	}
	if c.store == nil {
		c.store = NewMemoryNonceStore(c.clock, 0)
	}
	return c, nil
}

// Challenge is an issued challenge. Send ID and SigningInput to the client;
// everything in it is public.
type Challenge struct {
	ID        string
	Nonce     []byte
	Purpose   string
	Audience  string
	IssuedAt  time.Time // UTC, whole seconds
	ExpiresAt time.Time // UTC, whole seconds
}

// SigningInput returns the bytes the user signs; the format is in the
// "Challenge login" section of this file's comment.
func (c *Challenge) SigningInput() []byte {
	var b strings.Builder
	b.WriteString(signingInputVersion + "\n")
	b.WriteString("id=" + c.ID + "\n")
	b.WriteString("purpose=" + c.Purpose + "\n")
	b.WriteString("audience=" + c.Audience + "\n")
	b.WriteString("nonce=" + base64.RawURLEncoding.EncodeToString(c.Nonce) + "\n")
	b.WriteString("issued=" + c.IssuedAt.UTC().Format(time.RFC3339) + "\n")
	b.WriteString("expires=" + c.ExpiresAt.UTC().Format(time.RFC3339) + "\n")
	return []byte(b.String())
}

// Issue creates a challenge for purpose (for example
// "superadmin-registration" or "agency-login") and stores it.
func (c *Challenger) Issue(ctx context.Context, purpose string) (*Challenge, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkToken(purpose, MaxPurposeLen, isPurposeChar); err != nil {
		return nil, fmt.Errorf("%w: purpose: %v", ErrConfig, err)
	}
	nonce := make([]byte, ChallengeNonceSize)
	id := make([]byte, challengeIDSize)
	if _, err := io.ReadFull(c.rand, nonce); err != nil {
		return nil, fmt.Errorf("pki: challenge nonce: %w", err)
	}
	if _, err := io.ReadFull(c.rand, id); err != nil {
		return nil, fmt.Errorf("pki: challenge ID: %w", err)
	}
	now := c.clock().UTC().Truncate(time.Second)
	ch := &Challenge{
		ID:        base64.RawURLEncoding.EncodeToString(id),
		Nonce:     nonce,
		Purpose:   purpose,
		Audience:  c.audience,
		IssuedAt:  now,
		ExpiresAt: now.Add(c.ttl),
	}
	val, err := json.Marshal(storedChallenge{Nonce: nonce, Purpose: purpose, Audience: c.audience,
		IssuedAt: ch.IssuedAt.Unix(), ExpiresAt: ch.ExpiresAt.Unix()})
	if err != nil {
		return nil, fmt.Errorf("pki: encoding challenge: %w", err)
	}
	if err := c.store.Put(ctx, ch.ID, val, c.ttl+expiredGrace); err != nil {
		return nil, fmt.Errorf("pki: storing challenge: %w", err)
	}
	return ch, nil
}

// storedChallenge is what the NonceStore holds for a challenge ID.
type storedChallenge struct {
	Nonce     []byte `json:"n"`
	Purpose   string `json:"p"`
	Audience  string `json:"a"`
	IssuedAt  int64  `json:"i"`
	ExpiresAt int64  `json:"e"`
}

// decodeStored rebuilds the challenge id from what the store held.
func decodeStored(id string, val []byte) (*Challenge, error) {
	var s storedChallenge
	if err := json.Unmarshal(val, &s); err != nil {
		return nil, err
	}
	if len(s.Nonce) != ChallengeNonceSize || s.ExpiresAt < s.IssuedAt {
		return nil, fmt.Errorf("stored challenge is inconsistent")
	}
	return &Challenge{ID: id, Nonce: s.Nonce, Purpose: s.Purpose, Audience: s.Audience,
		IssuedAt: time.Unix(s.IssuedAt, 0).UTC(), ExpiresAt: time.Unix(s.ExpiresAt, 0).UTC()}, nil
}

// checkToken checks a purpose, an audience or a challenge ID: not empty, at
// most max bytes, every byte accepted by ok. Values go into the signing
// input one per line, so none may hold a line break.
func checkToken(s string, max int, ok func(byte) bool) error {
	if s == "" {
		return fmt.Errorf("empty")
	}
	if len(s) > max {
		return fmt.Errorf("longer than %s bytes", strconv.Itoa(max))
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return fmt.Errorf("character not allowed at byte %d", i)
		}
	}
	return nil
}

func isVisibleASCII(b byte) bool { return b > ' ' && b < 0x7f }

func isPurposeChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
		b == '-' || b == '.' || b == '_' || b == ':'
}

func isIDChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_'
}
