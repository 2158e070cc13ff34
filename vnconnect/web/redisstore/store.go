package redisstore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultPrefix is the key prefix used when Options.Prefix is empty.
const DefaultPrefix = "rpkit"

// Options configures a Store. The zero value is usable: keys start with
// DefaultPrefix and time comes from time.Now.
type Options struct {
	// Prefix starts every key, followed by ":". Give each application (or
	// each environment sharing one Redis) its own prefix. On Redis Cluster
	// the prefix must contain a hash tag, e.g. "{rpkit}", so that a
	// session and its logout indexes live in one slot and can be changed in
	// one transaction; New refuses a cluster client without one.
	Prefix string

	// Clock tells the time used to turn absolute expiry times (a session's
	// deadlines, a replay entry's "until") into Redis TTLs. nil means
	// time.Now. Redis itself expires keys by its own clock; only durations
	// cross the wire.
	Clock func() time.Time
}

// Store holds the Redis client and hands out the stores that share it.
// It is safe for concurrent use; any number of Stores (in one process or in
// several replicas) with the same prefix on the same Redis share state.
type Store struct {
	client redis.UniversalClient
	prefix string
	clock  func() time.Time
}

// ErrNoClient is returned by New when the client is nil.
var ErrNoClient = errors.New("redisstore: nil Redis client")

// ErrClusterPrefix is returned by New for a Redis Cluster client whose
// prefix has no hash tag.
var ErrClusterPrefix = errors.New("redisstore: on Redis Cluster the prefix needs a hash tag such as {rpkit}")

// ErrInvalidPrefix is returned by New when the prefix contains characters
// that would make keys ambiguous or hard to scan for (whitespace, '*', '?',
// '[', ']').
var ErrInvalidPrefix = errors.New("redisstore: invalid key prefix")

// New returns a Store on client. It does not contact Redis: a server that
// is down shows up as errors from the stores' methods, never as success.
// The client stays the caller's to configure (timeouts, TLS, pool) and to
// close.
func New(client redis.UniversalClient, opts Options) (*Store, error) {
	if client == nil {
		return nil, ErrNoClient
	}
	prefix := opts.Prefix
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if strings.ContainsAny(prefix, " \t\r\n*?[]") {
		return nil, ErrInvalidPrefix
	}
	if _, ok := client.(*redis.ClusterClient); ok && !hasHashTag(prefix) {
		return nil, ErrClusterPrefix
	}
	clock := opts.Clock
	if clock == nil {
		clock = time.Now
	}
	return &Store{client: client, prefix: prefix, clock: clock}, nil
}

// hasHashTag reports whether Redis Cluster would hash only part of keys
// starting with prefix: a "{" followed later by "}" with something between.
func hasHashTag(prefix string) bool {
	open := strings.IndexByte(prefix, '{')
	if open < 0 {
		return false
	}
	close := strings.IndexByte(prefix[open+1:], '}')
	return close > 0
}

// Prefix reports the key prefix in use (without the trailing ":").
func (s *Store) Prefix() string { return s.prefix }

// key builds "prefix:kind:hex(sha256(parts))". Identifiers come from
// cookies, query parameters and tokens; hashing them gives keys of one
// length whatever the input, keeps raw session IDs and states out of key
// listings, and makes the parts unambiguous (each is length-prefixed before
// hashing, so ("a:b","c") and ("a","b:c") differ).
func (s *Store) key(kind string, parts ...string) string {
	return s.prefix + ":" + kind + ":" + digest(parts...)
}

// keyFromDigest builds a key from a digest already computed (an index
// member names its session by digest).
func (s *Store) keyFromDigest(kind, d string) string {
	return s.prefix + ":" + kind + ":" + d
}

func digest(parts ...string) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		l := uint64(len(p))
		for i := range n {
			n[i] = byte(l >> (56 - 8*i))
		}
		h.Write(n[:])
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}
