// Package token signs with keys on USB tokens and smart cards through their
// PKCS#11 module, as a crypto.Signer. Agencies registering on Vnconnect hold
// their Government Cipher Committee (VGCA) certificate on such a token; this
// package lets agency-side tools and desktop agents list the certificates,
// log in with the PIN and sign, for example, the challenge of rpkit/pki.
// (A relying party's web server does not see the user's token; it verifies
// the signature with package pki.)
//
// # Use
//
//	mod, err := token.Open("/usr/lib/vendor/libvendor-pkcs11.so", token.Options{
//		PIN: func(ctx context.Context, info token.TokenInfo) (string, error) {
//			return askUser(ctx, info.Label, info.PINFinalTry())
//		},
//	})
//	if err != nil { … }
//	defer mod.Close()
//	tok, err := mod.Token(ctx, token.Selector{}) // the only token; or by Label, Serial, Slot
//	if err != nil { … }
//	certs, err := tok.Certificates(ctx)           // no PIN needed
//	signer, err := tok.Signer(ctx, token.KeySelector{Certificate: certs[0].Cert})
//	digest := sha256.Sum256(message)
//	sig, err := signer.Sign(nil, digest[:], crypto.SHA256) // PKCS#1 v1.5
//
// Pass *rsa.PSSOptions for RSA-PSS (CKM_RSA_PKCS_PSS with the hash, MGF1 of
// the same hash and the salt length resolved as crypto/rsa does). EC keys
// sign with CKM_ECDSA and return ASN.1 DER, as crypto.Signer requires. RSA
// PKCS#1 v1.5 uses CKM_RSA_PKCS over a DigestInfo built here for SHA-224,
// SHA-256, SHA-384 and SHA-512; SHA-1 is refused. The rand argument of Sign
// is ignored: the token uses its own generator.
//
// # The PKCS#11 module of a real token
//
// The module is the shared library in the token's driver package (the
// vendor's "token manager" installer), a .so on Linux, a .dll on Windows,
// a .dylib on macOS. Its name depends on the token model and the driver
// version, not on the CA: VGCA has issued tokens of several makes. Ways to
// find it: the driver's documentation or install directory (often
// /usr/lib, /usr/local/lib or /opt/<vendor>/lib; C:\Windows\System32 for a
// .dll), `p11-kit list-modules` when the driver registers with p11-kit, or
// the module path configured in Firefox's security devices by the
// installer. Generic examples: OpenSC's opensc-pkcs11.so, SafeNet's
// libeTPkcs11.so, Feitian ePass2003's libcastle.so.1.0.0. Check a module
// with OpenSC's `pkcs11-tool --module <path> --list-slots --list-objects`.
// The module must match the process's architecture (a 32-bit .dll will not
// load in a 64-bit program).
//
// # PIN handling
//
// The PIN comes from Options.PIN, called only when a login is needed: at
// the first Signer or Login of a Token, again if the token later reports it
// is no longer logged in, and for every signature with a key marked
// CKA_ALWAYS_AUTHENTICATE (non-repudiation keys on some tokens). It gets the
// token's current flags so a prompt can warn that the next wrong PIN is the
// last (PINFinalTry). A wrong PIN is never retried automatically: each one
// brings a real token closer to locking itself, and ErrPINLocked can only
// be cleared by the security officer (usually the CA's registration
// office). A token already locked is reported without calling the callback.
// On readers with a PIN pad (ProtectedAuthPath) the PIN is typed on the
// device and the callback is not called.
//
// The PIN is handed to C_Login and not kept. It cannot be wiped: Go strings
// are immutable, and miekg/pkcs11 frees its C copy without zeroing it.
// Callers who care should keep the PIN's life as short as the callback.
//
// PKCS#11 keeps the login per token for the whole process, not per session
// or per Token value: once any Token of the process is logged in, other
// Tokens on the same device are too (without a PIN), until every session
// to it is closed. Closing a Token closes its sessions; the device logs out
// when the last session of the process closes.
//
// # Concurrency
//
// Module, Token and Signer are safe for concurrent use. Each operation
// borrows a session from a pool per Token, bounded by Options.MaxSessions
// (default 4, fewer if the token says so); callers beyond the bound wait,
// under their context with SignContext. Opening the same module path twice
// shares one loaded library; the last Module.Close finalizes it. A PKCS#11
// call already running on the device cannot be interrupted.
//
// # Errors
//
// Failed PKCS#11 calls return *PKCS11Error{Op, Code}; it unwraps to
// ErrPINIncorrect (CKR_PIN_INCORRECT, CKR_PIN_INVALID, CKR_PIN_LEN_RANGE),
// ErrPINLocked, ErrPINExpired, ErrTokenNotFound (CKR_TOKEN_NOT_PRESENT,
// CKR_DEVICE_REMOVED, …) or ErrKeyNotFound where one applies. Selection
// errors are ErrTokenNotFound, ErrKeyNotFound and ErrAmbiguous.
//
// # Building
//
// PKCS#11 modules are C libraries, so this package needs cgo. Built with
// CGO_ENABLED=0 it still compiles, with the same API, and Open returns
// ErrNoCgo; the rest of rpkit does not depend on cgo.
//
// # Testing
//
// The tests run against SoftHSM2 (Debian package softhsm2): they write a
// softhsm2.conf in a temporary directory, create tokens with
// softhsm2-util, import RSA-2048 and P-256 keys and certificates with
// C_CreateObject, and sign from 32 goroutines at once. SoftHSM2 does not
// lock a PIN after wrong attempts, so the CKR_PIN_LOCKED mapping is tested
// on the code alone.
package token
