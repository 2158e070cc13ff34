package remotesigntest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"io"
	"math/big"
	"time"
)

// Credential is one remote key of the simulator.
type Credential struct {
	// ID is the CSC credentialID; UserID the owner's CSC userID.
	ID     string
	UserID string
	// Key is the private key (RSA or ECDSA).
	Key crypto.Signer
	// Certificate is the end-entity certificate; Chain is [Certificate,
	// CA certificate], as credentials/info returns it.
	Certificate *x509.Certificate
	Chain       []*x509.Certificate
	// Disabled makes credentials/info report the key "disabled".
	Disabled bool
}

// Default credentials created by New.
const (
	// UserID owns both default credentials.
	UserID = "079123456789"
	// RSACredential is an RSA-2048 credential.
	RSACredential = "sim-rsa-2048"
	// ECCredential is a P-256 credential.
	ECCredential = "sim-p256"
)

// oidUID is the LDAP userid attribute VGCA puts identifiers in.
var oidUID = asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}

// newCA creates the simulator's throwaway CA, named like a VGCA sub-CA.
func newCA(rnd io.Reader, now time.Time) (*x509.Certificate, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rnd)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject: pkix.Name{
			Country:      []string{"VN"},
			Organization: []string{"Ban Co yeu Chinh phu"},
			CommonName:   "CA phuc vu cac co quan Nha nuoc SIMULATOR",
		},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rnd, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// newCredential creates a key of the given kind ("rsa" or "p256") and a
// signing certificate for it with a VGCA-style subject.
func newCredential(rnd io.Reader, now time.Time, ca *x509.Certificate, caKey crypto.Signer, id, userID, kind string, serial int64) (*Credential, error) {
	var key crypto.Signer
	var err error
	switch kind {
	case "rsa":
		key, err = rsa.GenerateKey(rnd, 2048)
	case "p256":
		key, err = ecdsa.GenerateKey(elliptic.P256(), rnd)
	default:
		return nil, fmt.Errorf("remotesigntest: unknown key kind %q", kind)
	}
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject: pkix.Name{
			Country:    []string{"VN"},
			Province:   []string{"Đà Nẵng"},
			CommonName: "NGUYỄN VĂN A",
			ExtraNames: []pkix.AttributeTypeAndValue{{Type: oidUID, Value: "CCCD:" + userID}},
		},
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    now.Add(3 * 365 * 24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	der, err := x509.CreateCertificate(rnd, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Credential{ID: id, UserID: userID, Key: key, Certificate: cert, Chain: []*x509.Certificate{cert, ca}}, nil
}
