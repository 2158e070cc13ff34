package vnconnect

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// cacheTTL derives how long a JWKS response may be used from its
// Cache-Control header (RFC 9111): max-age minus Age when present, the
// floor for no-store/no-cache, def otherwise. The result is clamped to
// [minTTL, maxTTL]: the floor stops a provider (or a proxy) that says
// max-age=0 from causing a fetch per login, the ceiling makes sure a
// rotation is eventually seen even with a year-long max-age.
func cacheTTL(h http.Header, def, minTTL, maxTTL time.Duration) time.Duration {
	ttl := def
	noCache := false
	for _, line := range h.Values("Cache-Control") {
		for _, dir := range strings.Split(line, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(dir), "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-store", "no-cache":
				noCache = true
			case "max-age":
				secs, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(val), `"`), 10, 64)
				if err != nil || secs < 0 {
					continue
				}
				if secs > int64(maxTTL/time.Second) {
					secs = int64(maxTTL / time.Second)
				}
				ttl = time.Duration(secs) * time.Second
				if age, err := strconv.ParseInt(strings.TrimSpace(h.Get("Age")), 10, 64); err == nil && age > 0 {
					ttl -= time.Duration(min(age, secs)) * time.Second
				}
			}
		}
	}
	if noCache {
		ttl = 0
	}
	return max(minTTL, min(maxTTL, ttl))
}
