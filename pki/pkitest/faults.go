package pkitest

// Fault is a set of failures the responders simulate, switched with
// PKI.Inject and PKI.Clear while tests run.
type Fault uint

const (
	// FaultCRLDown: the CRL server answers 503 Service Unavailable.
	FaultCRLDown Fault = 1 << iota
	// FaultCRLHang: the CRL server answers only when the client gives up.
	FaultCRLHang
	// FaultCRLGarbage: the CRL server returns bytes that are not a CRL.
	FaultCRLGarbage
	// FaultStaleCRL: CRLs are served with nextUpdate in the past.
	FaultStaleCRL
	// FaultCRLWrongKey: CRLs name the right issuer but are signed by a key
	// that is not the CA's.
	FaultCRLWrongKey
	// FaultOCSPDown: the OCSP responder answers 503 Service Unavailable.
	FaultOCSPDown
	// FaultOCSPHang: the OCSP responder answers only when the client gives up.
	FaultOCSPHang
	// FaultStaleOCSP: responses have nextUpdate in the past.
	FaultStaleOCSP
	// FaultOCSPWrongKey: responses are signed by a rogue key whose
	// self-signed certificate (EKU OCSPSigning) is embedded: not the issuer,
	// not issued by it.
	FaultOCSPWrongKey
	// FaultOCSPDelegateNoEKU: responses are signed by a responder
	// certificate issued by the CA but lacking the OCSPSigning EKU.
	FaultOCSPDelegateNoEKU
)
