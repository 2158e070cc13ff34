package remotesign

import (
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// phase is where a transaction stands.
type phase int

const (
	phaseConfirming phase = iota // waiting for the user (authorizeCheck)
	phaseSigning                 // SAD obtained, signatures requested or to request
	phaseDone
)

// txState is the client-side state behind a Pending. Only the goroutine
// holding busy touches the fields after Begin returns.
type txState struct {
	busy chan struct{}

	client       *Client
	id           string
	credentialID string
	info         *CredentialInfo
	hashes       [][]byte
	hash         crypto.Hash
	alg          SignAlgorithm
	signAlgo     string
	signParams   string

	phase      phase
	deadline   time.Time
	sad        string
	responseID string
	waiter     *waiter

	result *Result
	err    error
}

// Begin implements Signer. It calls credentials/info (and credentials/list
// when only a UserID is given), then credentials/authorize with
// clientData = TransactionID.
func (c *Client) Begin(ctx context.Context, req Request) (*Pending, error) {
	if err := c.checkRequest(&req); err != nil {
		return nil, err
	}
	info, signAlgo, err := c.resolveCredential(ctx, &req)
	if err != nil {
		return nil, err
	}
	var params string
	if req.SignAlgorithm == RSAPSS {
		der, err := encodePSSParams(req.HashAlgorithm)
		if err != nil {
			return nil, err
		}
		params = base64.StdEncoding.EncodeToString(der)
	}
	id, err := randomID(c.cfg.Rand, 16)
	if err != nil {
		return nil, err
	}
	code := displayCode(id, req.Hashes)
	hashOIDStr, _ := hashOID(req.HashAlgorithm)

	st := &txState{
		busy:         make(chan struct{}, 1),
		client:       c,
		id:           id,
		credentialID: info.ID,
		info:         info,
		hashes:       cloneHashes(req.Hashes),
		hash:         req.HashAlgorithm,
		alg:          req.SignAlgorithm,
		signAlgo:     signAlgo,
		signParams:   params,
	}
	// Register before asking the service, so a callback racing the
	// authorize response still finds its transaction.
	if c.cfg.Callbacks != nil {
		st.waiter = c.cfg.Callbacks.register(id, c.cfg.ConfirmTimeout+c.cfg.SignTimeout+time.Minute)
	}
	var out authorizeResponse
	r, err := c.call(ctx, "credentials/authorize", authorizeRequest{
		CredentialID:     info.ID,
		NumSignatures:    len(req.Hashes),
		Hashes:           encodeB64List(req.Hashes),
		HashAlgorithmOID: hashOIDStr,
		Description:      describe(req.Description, code),
		ClientData:       id,
	}, &out)
	if err != nil {
		c.release(st)
		return nil, err
	}
	now := c.cfg.Clock.Now()
	st.deadline = now.Add(c.cfg.ConfirmTimeout)
	if r.pending {
		// A 202 may say how long the user has (expiresIn, seconds); it can
		// only shorten rpkit's own limit.
		if out.ExpiresIn > 0 && time.Duration(out.ExpiresIn)*time.Second < c.cfg.ConfirmTimeout {
			st.deadline = now.Add(time.Duration(out.ExpiresIn) * time.Second)
		}
	} else {
		// 200: the service authorised at once (e.g. a standing consent).
		if err := checkOpaque("SAD", out.SAD, maxSADLength); err != nil {
			c.release(st)
			return nil, fmt.Errorf("remotesign: credentials/authorize: %w", err)
		}
		st.sad = out.SAD
		st.phase = phaseSigning
		st.deadline = now.Add(c.cfg.SignTimeout)
	}
	return &Pending{TransactionID: id, DisplayCode: code, ExpiresAt: st.deadline, st: st}, nil
}

// release forgets a transaction's callback registration.
func (c *Client) release(st *txState) {
	if st.waiter != nil && c.cfg.Callbacks != nil {
		c.cfg.Callbacks.unregister(st.id)
	}
}

// checkRequest refuses a Request before anything is sent.
func (c *Client) checkRequest(req *Request) error {
	if req.CredentialID == "" && req.UserID == "" {
		return fmt.Errorf("%w: CredentialID or UserID is required", ErrInvalidRequest)
	}
	if _, ok := hashOID(req.HashAlgorithm); !ok {
		return fmt.Errorf("%w: hash %v not supported (SHA-256, SHA-384, SHA-512)", ErrInvalidRequest, req.HashAlgorithm)
	}
	switch req.SignAlgorithm {
	case RSAPKCS1v15, RSAPSS, ECDSA:
	default:
		return fmt.Errorf("%w: sign algorithm %d", ErrInvalidRequest, req.SignAlgorithm)
	}
	if len(req.Hashes) == 0 {
		return fmt.Errorf("%w: no hashes", ErrInvalidRequest)
	}
	if len(req.Hashes) > c.cfg.MaxHashes {
		return fmt.Errorf("%w: %d hashes (max %d)", ErrInvalidRequest, len(req.Hashes), c.cfg.MaxHashes)
	}
	for i, h := range req.Hashes {
		if len(h) != req.HashAlgorithm.Size() {
			return fmt.Errorf("%w: hash %d has %d bytes, %v needs %d", ErrInvalidRequest, i, len(h), req.HashAlgorithm, req.HashAlgorithm.Size())
		}
	}
	return nil
}

// displayCode derives a 4-digit code from the transaction and the hashes.
// CSC has no field for such a code, so rpkit puts it in the description the
// phone shows; deriving it (rather than drawing it) binds it to what is
// signed, and 4 digits are what a user compares reliably at a glance.
func displayCode(id string, hashes [][]byte) string {
	h := sha256.New()
	h.Write([]byte("rpkit remotesign display code\x00"))
	h.Write([]byte(id))
	for _, x := range hashes {
		h.Write(x)
	}
	sum := h.Sum(nil)
	return fmt.Sprintf("%04d", binary.BigEndian.Uint32(sum[:4])%10000)
}

// describe builds the description shown on the phone: the caller's text,
// control characters removed, cut to fit CSC's 500 characters with the code
// always kept at the end.
func describe(desc, code string) string {
	suffix := " [Mã: " + code + "]"
	limit := maxDescriptionRunes - len([]rune(suffix))
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(desc) {
		if n >= limit {
			break
		}
		if unicode.IsControl(r) {
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String() + suffix)
}

func cloneHashes(in [][]byte) [][]byte {
	out := make([][]byte, len(in))
	for i, h := range in {
		out[i] = append([]byte(nil), h...)
	}
	return out
}
