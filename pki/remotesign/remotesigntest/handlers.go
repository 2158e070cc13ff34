package remotesigntest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

type authKey struct{ credentialID, clientData string }

type authState int

const (
	statePending authState = iota
	stateConfirmed
	stateRejected
	stateExpired
	statePINBlocked
	stateFailed
)

// authorization is one credentials/authorize transaction.
type authorization struct {
	cred        *Credential
	clientData  string
	description string
	hashes      [][]byte
	hashOID     string
	b           Behaviour
	created     time.Time
	polls       int
	state       authState
	sad         string
	sadUsed     bool
}

// operation is one asynchronous signHash.
type operation struct {
	auth       *authorization
	signatures []string
	polls      int
	expires    time.Time
}

const maxRequestBytes = 1 << 20

// routes maps the CSC methods under /csc/v2/.
func (s *Simulator) routes() http.Handler {
	mux := http.NewServeMux()
	for name, h := range map[string]func(http.ResponseWriter, []byte){
		"credentials/list":           s.list,
		"credentials/info":           s.info,
		"credentials/authorize":      s.authorize,
		"credentials/authorizeCheck": s.authorizeCheck,
		"signatures/signHash":        s.signHash,
		"signatures/signPolling":     s.signPolling,
	} {
		mux.HandleFunc("POST /csc/v2/"+name, func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			s.calls[name]++
			s.mu.Unlock()
			if !s.sleep(r, s.cfg.Latency) {
				return
			}
			if !s.authenticated(r) {
				writeError(w, http.StatusUnauthorized, "invalid_token", "missing or invalid access token")
				return
			}
			body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
			if err != nil || len(body) > maxRequestBytes {
				writeError(w, http.StatusBadRequest, "invalid_request", "request too large")
				return
			}
			h(&latencyWriter{ResponseWriter: w, r: r, s: s}, body)
		})
	}
	return mux
}

// latencyWriter delays a response by the transaction's Behaviour.Latency,
// set by the handler once it knows the transaction.
type latencyWriter struct {
	http.ResponseWriter
	r     *http.Request
	s     *Simulator
	delay time.Duration
}

func (lw *latencyWriter) WriteHeader(code int) {
	lw.s.sleep(lw.r, lw.delay)
	lw.ResponseWriter.WriteHeader(code)
}

func (s *Simulator) sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func setLatency(w http.ResponseWriter, d time.Duration) {
	if lw, ok := w.(*latencyWriter); ok {
		lw.delay = d
	}
}

func (s *Simulator) authenticated(r *http.Request) bool {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.BearerToken)) == 1
	}
	if s.cfg.BasicUser != "" {
		u, p, ok := r.BasicAuth()
		return ok && subtle.ConstantTimeCompare([]byte(u), []byte(s.cfg.BasicUser)) == 1 &&
			subtle.ConstantTimeCompare([]byte(p), []byte(s.cfg.BasicPassword)) == 1
	}
	return false
}

func (s *Simulator) list(w http.ResponseWriter, body []byte) {
	var in struct {
		UserID string `json:"userID"`
	}
	if !decode(w, body, &in) {
		return
	}
	ids := []string{}
	for _, id := range s.order {
		if in.UserID == "" || s.creds[id].UserID == in.UserID {
			ids = append(ids, id)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"credentialIDs": ids})
}

func (s *Simulator) info(w http.ResponseWriter, body []byte) {
	var in struct {
		CredentialID string `json:"credentialID"`
		Certificates string `json:"certificates"`
	}
	if !decode(w, body, &in) {
		return
	}
	c, ok := s.creds[in.CredentialID]
	if !ok {
		writeError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter credentialID")
		return
	}
	s.mu.Lock()
	status := "enabled"
	if c.Disabled {
		status = "disabled"
	}
	s.mu.Unlock()
	var certs []string
	chain := c.Chain
	switch in.Certificates {
	case "none":
		chain = nil
	case "chain":
	default: // "single", the CSC default
		chain = chain[:1]
	}
	for _, cert := range chain {
		certs = append(certs, base64.StdEncoding.EncodeToString(cert.Raw))
	}
	key := map[string]any{"status": status, "algo": keyAlgos(c.Key)}
	switch k := c.Key.Public().(type) {
	case *rsa.PublicKey:
		key["len"] = k.N.BitLen()
	case *ecdsa.PublicKey:
		key["len"] = k.Curve.Params().BitSize
		key["curve"] = oidP256
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"description": "Chữ ký số SIM PKI (mô phỏng)",
		"key":         key,
		"cert": map[string]any{
			"status":       "valid",
			"certificates": certs,
			"serialNumber": c.Certificate.SerialNumber.Text(16),
			"subjectDN":    c.Certificate.Subject.String(),
			"issuerDN":     c.Certificate.Issuer.String(),
		},
		"authMode":  "implicit",
		"SCAL":      "2",
		"multisign": 50,
		"lang":      "vi-VN",
	})
}

func (s *Simulator) authorize(w http.ResponseWriter, body []byte) {
	var in struct {
		CredentialID     string   `json:"credentialID"`
		NumSignatures    int      `json:"numSignatures"`
		Hashes           []string `json:"hashes"`
		HashAlgorithmOID string   `json:"hashAlgorithmOID"`
		Description      string   `json:"description"`
		ClientData       string   `json:"clientData"`
	}
	if !decode(w, body, &in) {
		return
	}
	c, ok := s.creds[in.CredentialID]
	if !ok {
		writeError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter credentialID")
		return
	}
	h, ok := hashByOID[in.HashAlgorithmOID]
	if !ok {
		writeError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter hashAlgorithmOID")
		return
	}
	if in.NumSignatures < 1 || in.NumSignatures != len(in.Hashes) {
		writeError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter numSignatures")
		return
	}
	hashes := make([][]byte, len(in.Hashes))
	for i, e := range in.Hashes {
		d, err := decodeB64(e)
		if err != nil || len(d) != h.Size() {
			writeError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter hashes")
			return
		}
		hashes[i] = d
	}
	if in.ClientData == "" {
		writeError(w, http.StatusBadRequest, "invalid_request", "Missing parameter clientData (needed to check an asynchronous authorization)")
		return
	}
	s.mu.Lock()
	b := s.cfg.Default
	if q := s.scripts[c.ID]; len(q) > 0 {
		b, s.scripts[c.ID] = q[0], q[1:]
	}
	a := &authorization{
		cred: c, clientData: in.ClientData, description: in.Description,
		hashes: hashes, hashOID: in.HashAlgorithmOID, b: b, created: s.cfg.Clock(),
	}
	s.auths[authKey{c.ID, in.ClientData}] = a
	setLatency(w, b.Latency)
	decideNow := b.Immediate || (b.Callback && b.AfterPolls == 0 && b.After == 0 && b.Outcome != Manual)
	if decideNow {
		s.decide(a, b.Outcome)
	}
	s.mu.Unlock()
	if b.Immediate {
		s.writeAuthState(w, a)
		return
	}
	if decideNow {
		s.pushOutcome(a, s.cfg.CallbackURL)
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"expiresIn": int64(s.cfg.PendingTTL / time.Second)})
}

// decide moves a pending authorisation to its outcome. Callers hold s.mu.
func (s *Simulator) decide(a *authorization, o Outcome) {
	switch o {
	case Confirm:
		a.state = stateConfirmed
		a.sad = s.newID()
		s.sads[a.sad] = a
	case Reject:
		a.state = stateRejected
	case PINBlocked:
		a.state = statePINBlocked
	case Fail:
		a.state = stateFailed
	case NeverAnswer, Manual:
		// stays pending until PendingTTL
	}
}

func (s *Simulator) authorizeCheck(w http.ResponseWriter, body []byte) {
	var in struct {
		CredentialID string `json:"credentialID"`
		ClientData   string `json:"clientData"`
	}
	if !decode(w, body, &in) {
		return
	}
	s.mu.Lock()
	a, ok := s.auths[authKey{in.CredentialID, in.ClientData}]
	if !ok {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter clientData")
		return
	}
	setLatency(w, a.b.Latency)
	a.polls++
	now := s.cfg.Clock()
	if a.state == statePending {
		switch {
		case !now.Before(a.created.Add(s.cfg.PendingTTL)):
			a.state = stateExpired
		case a.polls > a.b.AfterPolls && !now.Before(a.created.Add(a.b.After)):
			s.decide(a, a.b.Outcome)
		}
	}
	fault := a.b.Fault
	s.mu.Unlock()
	if writeFault(w, fault) {
		return
	}
	s.writeAuthState(w, a)
}

// writeAuthState answers with an authorisation's current state.
func (s *Simulator) writeAuthState(w http.ResponseWriter, a *authorization) {
	s.mu.Lock()
	state, sad, b := a.state, a.sad, a.b
	s.mu.Unlock()
	switch state {
	case statePending:
		writeJSON(w, http.StatusAccepted, map[string]any{})
	case stateConfirmed:
		writeJSON(w, http.StatusOK, map[string]any{"SAD": sad, "expiresIn": 300})
	case stateRejected:
		writeError(w, http.StatusBadRequest, "access_denied", "The user rejected the signing request")
	case stateExpired:
		writeError(w, http.StatusBadRequest, "expired_token", "The authorization request expired")
	case statePINBlocked:
		writeError(w, http.StatusBadRequest, "invalid_request", "PIN locked")
	case stateFailed:
		status, code, desc := b.Status, b.Code, b.Description
		if status == 0 {
			status = http.StatusInternalServerError
		}
		if code == "" {
			code = "server_error"
		}
		if desc == "" {
			desc = "internal error"
		}
		writeError(w, status, code, desc)
	}
}

func (s *Simulator) signHash(w http.ResponseWriter, body []byte) {
	var in struct {
		CredentialID     string   `json:"credentialID"`
		SAD              string   `json:"SAD"`
		Hashes           []string `json:"hashes"`
		HashAlgorithmOID string   `json:"hashAlgorithmOID"`
		SignAlgo         string   `json:"signAlgo"`
		SignAlgoParams   string   `json:"signAlgoParams"`
		OperationMode    string   `json:"operationMode"`
		ValidityPeriod   int64    `json:"validity_period"`
		ResponseURI      string   `json:"response_uri"`
		ClientData       string   `json:"clientData"`
	}
	if !decode(w, body, &in) {
		return
	}
	s.mu.Lock()
	a, ok := s.sads[in.SAD]
	if !ok || a.sadUsed || a.cred.ID != in.CredentialID {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter SAD")
		return
	}
	setLatency(w, a.b.Latency)
	// The SAD authorises exactly the hashes the user confirmed (SCAL2).
	if len(in.Hashes) != len(a.hashes) || in.HashAlgorithmOID != a.hashOID {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter hashes")
		return
	}
	for i, e := range in.Hashes {
		d, err := decodeB64(e)
		if err != nil || !bytes.Equal(d, a.hashes[i]) {
			s.mu.Unlock()
			writeError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter hashes")
			return
		}
	}
	if a.cred.Disabled {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "invalid_request", "Credential disabled")
		return
	}
	a.sadUsed = true
	b := a.b
	s.mu.Unlock()

	sigs, err := signHashes(s.cfg.Rand, a.cred.Key, in.SignAlgo, in.HashAlgorithmOID, in.SignAlgoParams, a.hashes, b.P1363)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	enc := make([]string, len(sigs))
	for i, sig := range sigs {
		if b.Fault == BadSignature {
			sig[len(sig)/2] ^= 0xff
		}
		enc[i] = base64.StdEncoding.EncodeToString(sig)
	}
	if b.Fault == WrongSignatureCount {
		enc = enc[:len(enc)-1]
	}
	if in.OperationMode != "A" {
		writeJSON(w, http.StatusOK, map[string]any{"signatures": enc})
		return
	}
	if b.Fault == MissingResponseID {
		writeJSON(w, http.StatusAccepted, map[string]any{})
		return
	}
	validity := time.Duration(in.ValidityPeriod) * time.Millisecond
	if validity <= 0 {
		validity = time.Minute
	}
	op := &operation{auth: a, signatures: enc, expires: s.cfg.Clock().Add(validity)}
	s.mu.Lock()
	rid := s.newID()
	s.ops[rid] = op
	s.mu.Unlock()
	if b.Callback {
		url := in.ResponseURI
		if url == "" {
			url = s.cfg.CallbackURL
		}
		s.push(url, map[string]any{"clientData": a.clientData, "responseID": rid, "signatures": enc})
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"responseID": rid})
}

func (s *Simulator) signPolling(w http.ResponseWriter, body []byte) {
	var in struct {
		ResponseID string `json:"responseID"`
	}
	if !decode(w, body, &in) {
		return
	}
	s.mu.Lock()
	op, ok := s.ops[in.ResponseID]
	if !ok {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter responseID")
		return
	}
	setLatency(w, op.auth.b.Latency)
	op.polls++
	expired := !s.cfg.Clock().Before(op.expires)
	pending := op.polls <= op.auth.b.SignPolls
	fault := op.auth.b.Fault
	s.mu.Unlock()
	switch {
	case writeFault(w, fault):
	case expired:
		writeError(w, http.StatusBadRequest, "expired_token", "The signature response expired")
	case pending:
		writeJSON(w, http.StatusAccepted, map[string]any{})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"signatures": op.signatures})
	}
}

// writeFault writes a wire fault, if any, and reports whether it did.
func writeFault(w http.ResponseWriter, f Fault) bool {
	switch f {
	case MalformedJSON:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, `{"SAD": "abc", "signatures": [`)
		return true
	case OversizedBody:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, `{"padding":"`)
		io.WriteString(w, strings.Repeat("A", 2<<20))
		io.WriteString(w, `"}`)
		return true
	}
	return false
}

func decode(w http.ResponseWriter, body []byte, v any) bool {
	if err := json.Unmarshal(body, v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "Malformed JSON request")
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func decodeB64(s string) ([]byte, error) {
	if len(s)%4 == 0 {
		return base64.StdEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}
