package remotesign

import (
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
)

// JSON shapes of the CSC API v2 methods rpkit uses. Field names follow the
// specification (note the mixed case: "SAD", "credentialID",
// "hashAlgorithmOID", "validity_period", "response_uri"). Response fields
// rpkit does not need are not declared, so their type is never checked.

type listRequest struct {
	UserID         string `json:"userID,omitempty"`
	CredentialInfo bool   `json:"credentialInfo,omitempty"`
	Certificates   string `json:"certificates,omitempty"`
	CertInfo       bool   `json:"certInfo,omitempty"`
	AuthInfo       bool   `json:"authInfo,omitempty"`
	OnlyValid      bool   `json:"onlyValid,omitempty"`
	MaxResults     int    `json:"maxResults,omitempty"`
}

type listResponse struct {
	CredentialIDs   []string             `json:"credentialIDs"`
	CredentialInfos []credentialInfoJSON `json:"credentialInfos"`
}

type infoRequest struct {
	CredentialID string `json:"credentialID"`
	Certificates string `json:"certificates,omitempty"`
	CertInfo     bool   `json:"certInfo,omitempty"`
	AuthInfo     bool   `json:"authInfo,omitempty"`
}

type credentialInfoJSON struct {
	CredentialID string `json:"credentialID"`
	Description  string `json:"description"`
	Key          struct {
		Status string   `json:"status"`
		Algo   []string `json:"algo"`
		Curve  string   `json:"curve"`
	} `json:"key"`
	Cert struct {
		Status       string   `json:"status"`
		Certificates []string `json:"certificates"`
	} `json:"cert"`
	// authMode is the CSC v1 / v2.0 top-level field; v2.0.0.2 moved it to
	// auth.mode. Both are read.
	AuthMode string `json:"authMode"`
	Auth     struct {
		Mode string `json:"mode"`
	} `json:"auth"`
	SCAL string `json:"SCAL"`
}

type authorizeRequest struct {
	CredentialID     string   `json:"credentialID"`
	NumSignatures    int      `json:"numSignatures"`
	Hashes           []string `json:"hashes"`
	HashAlgorithmOID string   `json:"hashAlgorithmOID"`
	Description      string   `json:"description,omitempty"`
	ClientData       string   `json:"clientData"`
}

type authorizeCheckRequest struct {
	CredentialID string `json:"credentialID"`
	ClientData   string `json:"clientData"`
}

type authorizeResponse struct {
	SAD       string `json:"SAD"`
	ExpiresIn int64  `json:"expiresIn"`
}

type signHashRequest struct {
	CredentialID     string   `json:"credentialID"`
	SAD              string   `json:"SAD"`
	Hashes           []string `json:"hashes"`
	HashAlgorithmOID string   `json:"hashAlgorithmOID"`
	SignAlgo         string   `json:"signAlgo"`
	SignAlgoParams   string   `json:"signAlgoParams,omitempty"`
	OperationMode    string   `json:"operationMode"`
	ValidityPeriod   int64    `json:"validity_period,omitempty"`
	ResponseURI      string   `json:"response_uri,omitempty"`
	ClientData       string   `json:"clientData"`
}

type signHashResponse struct {
	Signatures []string `json:"signatures"`
	ResponseID string   `json:"responseID"`
}

type signPollingRequest struct {
	ResponseID string `json:"responseID"`
	ClientData string `json:"clientData,omitempty"`
}

// Bounds on what a response may carry, below the byte limit: they keep a
// parse from doing unbounded certificate work.
const (
	maxChainCerts     = 10
	maxSignatureBytes = 2048 // RSA-16384; ECDSA DER is far smaller
	maxIDLength       = 1024 // credentialID, responseID, SAD are opaque but not essays
	maxSADLength      = 16 << 10
)

// CredentialInfo is what credentials/info (or credentials/list with
// credentialInfo) says about a credential.
type CredentialInfo struct {
	ID          string
	Description string
	// KeyStatus is "enabled" or "disabled"; KeyAlgorithms are the signAlgo
	// OIDs the key accepts; Curve is the EC curve OID, if any.
	KeyStatus     string
	KeyAlgorithms []string
	Curve         string
	// CertStatus is "valid", "expired", "revoked" or "suspended" (as the
	// service sees it; rpkit re-verifies with pki.Verifier).
	CertStatus string
	// Certificate is the end-entity certificate; Chain the rest.
	Certificate *x509.Certificate
	Chain       []*x509.Certificate
	// AuthMode is "implicit", "explicit" or "oauth2code".
	AuthMode string
	SCAL     string
}

// parseCredentialInfo turns the wire form into a CredentialInfo, decoding
// and parsing the certificates (leaf first, as CSC specifies).
func parseCredentialInfo(id string, w *credentialInfoJSON) (*CredentialInfo, error) {
	if len(w.Cert.Certificates) == 0 {
		return nil, fmt.Errorf("%w: credential has no certificate", ErrMalformedResponse)
	}
	if len(w.Cert.Certificates) > maxChainCerts {
		return nil, fmt.Errorf("%w: %d certificates (max %d)", ErrMalformedResponse, len(w.Cert.Certificates), maxChainCerts)
	}
	certs := make([]*x509.Certificate, 0, len(w.Cert.Certificates))
	for i, s := range w.Cert.Certificates {
		der, err := decodeB64(s)
		if err != nil {
			return nil, fmt.Errorf("%w: certificate %d: %v", ErrMalformedResponse, i, err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("%w: certificate %d: %v", ErrMalformedResponse, i, err)
		}
		certs = append(certs, cert)
	}
	mode := w.AuthMode
	if mode == "" {
		mode = w.Auth.Mode
	}
	return &CredentialInfo{
		ID:            id,
		Description:   w.Description,
		KeyStatus:     w.Key.Status,
		KeyAlgorithms: w.Key.Algo,
		Curve:         w.Key.Curve,
		CertStatus:    w.Cert.Status,
		Certificate:   certs[0],
		Chain:         certs[1:],
		AuthMode:      mode,
		SCAL:          w.SCAL,
	}, nil
}

// parseSignatures decodes exactly n base64 signatures.
func parseSignatures(list []string, n int) ([][]byte, error) {
	if len(list) != n {
		return nil, fmt.Errorf("%w: %d signatures for %d hashes", ErrMalformedResponse, len(list), n)
	}
	out := make([][]byte, n)
	for i, s := range list {
		if len(s) > maxSignatureBytes*4/3+4 {
			return nil, fmt.Errorf("%w: signature %d too long", ErrMalformedResponse, i)
		}
		b, err := decodeB64(s)
		if err != nil {
			return nil, fmt.Errorf("%w: signature %d: %v", ErrMalformedResponse, i, err)
		}
		if len(b) == 0 || len(b) > maxSignatureBytes {
			return nil, fmt.Errorf("%w: signature %d has %d bytes", ErrMalformedResponse, i, len(b))
		}
		out[i] = b
	}
	return out, nil
}

// checkOpaque validates an opaque server identifier (responseID, SAD).
func checkOpaque(what, s string, max int) error {
	if s == "" {
		return fmt.Errorf("%w: missing %s", ErrMalformedResponse, what)
	}
	if len(s) > max {
		return fmt.Errorf("%w: %s too long", ErrMalformedResponse, what)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return fmt.Errorf("%w: control character in %s", ErrMalformedResponse, what)
		}
	}
	return nil
}

// decodeB64 accepts standard base64, padded or not: CSC says "Base64" and
// services differ on padding. Embedded whitespace is refused.
func decodeB64(s string) ([]byte, error) {
	if strings.ContainsAny(s, " \t\r\n") {
		return nil, fmt.Errorf("whitespace in base64")
	}
	if len(s)%4 == 0 {
		return base64.StdEncoding.Strict().DecodeString(s)
	}
	return base64.RawStdEncoding.Strict().DecodeString(s)
}

func encodeB64List(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = base64.StdEncoding.EncodeToString(b)
	}
	return out
}
