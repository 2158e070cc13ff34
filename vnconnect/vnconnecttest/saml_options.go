package vnconnecttest

import "github.com/beevik/etree"

// SAMLOption changes a Response minted by SAMLResponse or
// SAMLIdPInitiated. Most are faults an SP must refuse.
type SAMLOption func(*samlMint)

// samlMint is what the options set; the zero value is a well-formed
// response signed per the SP's registration.
type samlMint struct {
	inResponseTo   string
	sessionIndex   string
	relayState     string
	signing        SAMLSigning
	signingSet     bool
	otherKey       bool
	expired        bool
	notYetValid    bool
	wrongAudience  bool
	wrongRecipient bool
	wrongDest      bool
	wrongIssuer    bool
	before, after  []func(*etree.Document)
}

// SAMLInResponseTo sets InResponseTo on the Response and its
// SubjectConfirmationData: the ID of the SP's AuthnRequest. Without it the
// response is unsolicited (IdP-initiated).
func SAMLInResponseTo(id string) SAMLOption { return func(m *samlMint) { m.inResponseTo = id } }

// SAMLSessionIndex sets the AuthnStatement's SessionIndex; by default it
// is a fresh sid.
func SAMLSessionIndex(sid string) SAMLOption { return func(m *samlMint) { m.sessionIndex = sid } }

// SAMLUnsigned signs nothing.
func SAMLUnsigned() SAMLOption { return signing(samlSigningNone) }

// SAMLSignAssertionOnly signs the Assertion, not the Response.
func SAMLSignAssertionOnly() SAMLOption { return signing(SAMLSigningAssertion) }

// SAMLSignResponseOnly signs the Response, not the Assertion in it.
func SAMLSignResponseOnly() SAMLOption { return signing(SAMLSigningResponse) }

// SAMLSignBoth signs the Assertion and the Response.
func SAMLSignBoth() SAMLOption { return signing(SAMLSigningBoth) }

func signing(v SAMLSigning) SAMLOption {
	return func(m *samlMint) { m.signing, m.signingSet = v, true }
}

// SAMLSignedByOtherKey signs (whatever is signed) with a key and
// self-signed certificate that are not the IdP's but carry the same
// subject, the certificate in KeyInfo as usual: an SP must trust the key
// from the metadata, not the one the message brings.
func SAMLSignedByOtherKey() SAMLOption { return func(m *samlMint) { m.otherKey = true } }

// SAMLExpired makes the assertion two hours old: Conditions and
// SubjectConfirmationData ended an hour ago.
func SAMLExpired() SAMLOption { return func(m *samlMint) { m.expired = true } }

// SAMLNotYetValid makes Conditions start an hour from now.
func SAMLNotYetValid() SAMLOption { return func(m *samlMint) { m.notYetValid = true } }

// SAMLWrongAudience restricts the assertion to another SP.
func SAMLWrongAudience() SAMLOption { return func(m *samlMint) { m.wrongAudience = true } }

// SAMLWrongRecipient sets SubjectConfirmationData's Recipient to another
// SP's ACS.
func SAMLWrongRecipient() SAMLOption { return func(m *samlMint) { m.wrongRecipient = true } }

// SAMLWrongDestination sets the Response's Destination to another SP's ACS.
func SAMLWrongDestination() SAMLOption { return func(m *samlMint) { m.wrongDest = true } }

// SAMLWrongIssuer names another IdP as Issuer of the Response and the
// Assertion (still signed with the real key).
func SAMLWrongIssuer() SAMLOption { return func(m *samlMint) { m.wrongIssuer = true } }

// SAMLMutateBeforeSigning edits the Response document after it is built
// and before anything is signed, so the signatures cover the edit. The
// root is the samlp:Response; the saml:Assertion to sign is the first
// one among its children.
func SAMLMutateBeforeSigning(f func(*etree.Document)) SAMLOption {
	return func(m *samlMint) { m.before = append(m.before, f) }
}

// SAMLMutateXML edits the signed Response document before it is
// serialised: the tool for signature wrapping (XSW), a comment in the
// NameID, a DOCTYPE, a second assertion. Signatures are not recomputed.
func SAMLMutateXML(f func(*etree.Document)) SAMLOption {
	return func(m *samlMint) { m.after = append(m.after, f) }
}

// Attacker-controlled names the faults use. .invalid never resolves.
const (
	samlEvilSP  = "https://evil.invalid/saml/metadata"
	samlEvilACS = "https://evil.invalid/saml/acs"
	samlEvilIdP = "https://evil.invalid/samlsso"
)
