package remotesign

import (
	"crypto"
	"testing"
)

// FuzzResponseParsers feeds arbitrary bytes to every parser that reads
// service output: the JSON shapes, the credential info (base64 + X.509) and
// the signature lists. None may panic, and anything accepted must respect
// the bounds the flow relies on.
func FuzzResponseParsers(f *testing.F) {
	f.Add([]byte(`{"SAD":"abc","expiresIn":300}`))
	f.Add([]byte(`{"responseID":"r1"}`))
	f.Add([]byte(`{"signatures":["AAAA","AQID"]}`))
	f.Add([]byte(`{"credentialIDs":["a","b"]}`))
	f.Add([]byte(`{"key":{"status":"enabled","algo":["1.2.840.113549.1.1.1"]},"cert":{"status":"valid","certificates":["MIIB"]},"authMode":"implicit"}`))
	f.Add([]byte(`{"error":"access_denied","error_description":"no"}`))
	f.Add([]byte(`{"clientData":"tx","signatures":["AA=="],"error":"x"}`))
	f.Add([]byte(`{} {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var auth authorizeResponse
		if decodeObject(data, &auth) == nil && checkOpaque("SAD", auth.SAD, maxSADLength) == nil {
			if len(auth.SAD) > maxSADLength {
				t.Fatal("SAD bound not enforced")
			}
		}
		var sh signHashResponse
		if decodeObject(data, &sh) == nil {
			if sigs, err := parseSignatures(sh.Signatures, len(sh.Signatures)); err == nil {
				for _, s := range sigs {
					if len(s) == 0 || len(s) > maxSignatureBytes {
						t.Fatalf("signature of %d bytes accepted", len(s))
					}
				}
			}
			_ = checkOpaque("responseID", sh.ResponseID, maxIDLength)
		}
		var info credentialInfoJSON
		if decodeObject(data, &info) == nil {
			if ci, err := parseCredentialInfo("id", &info); err == nil {
				if ci.Certificate == nil || len(ci.Chain) >= maxChainCerts {
					t.Fatal("bad credential info accepted")
				}
				_, _ = chooseSignAlgo(RSAPKCS1v15, crypto.SHA256, ci.KeyAlgorithms, ci.Certificate.PublicKey)
			}
		}
		var list listResponse
		_ = decodeObject(data, &list)
		code, desc := parseErrorBody(data)
		_ = newServiceError("fuzz", 400, code, desc).Error()
		if msg, err := parseCallback(data); err == nil {
			if msg.TransactionID == "" || (len(msg.Signatures) > 0 && msg.Error != "") {
				t.Fatal("bad callback accepted")
			}
		}
	})
}

// FuzzCallbackSignatureHeader: the header parser never panics and accepts
// only a full-length MAC with a timestamp.
func FuzzCallbackSignatureHeader(f *testing.F) {
	f.Add("t=1700000000,v1=" + "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
	f.Add("t=,v1=")
	f.Add("v1=zz,t=1")
	f.Fuzz(func(t *testing.T, v string) {
		ts, mac, ok := parseSignatureHeader(v)
		if ok && (ts == "" || len(mac) != 32) {
			t.Fatalf("accepted %q", v)
		}
	})
}
