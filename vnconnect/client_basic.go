package vnconnect

import "encoding/base64"

// basicCredentials encodes user:pass for an HTTP Basic header (RFC 7617).
// The caller has already form-urlencoded both parts (RFC 6749 §2.3.1).
func basicCredentials(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
}
