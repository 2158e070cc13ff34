package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/saml"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
	"github.com/rpkit-vn/rpkit/vnconnect/web/redisstore"
)

// stores is what one app instance keeps its state in. The zero value means
// vnconnect/web's and saml's own per-process memory stores: the default,
// nothing to install.
type stores struct {
	Sessions     web.SessionStore
	Pending      web.PendingStore
	Replay       vnconnect.ReplayCache
	SAMLRequests saml.RequestStore
}

// redisBackend hands out Redis-backed stores. Every run gets a random key
// prefix, so two demos on one Redis (or a demo beside the test suite)
// never see each other's sessions; each app gets its own prefix under it,
// so a back-channel logout for one app cannot touch the other's sessions.
type redisBackend struct {
	addr, prefix string
	clients      []*redis.Client
}

func newRedisBackend(ctx context.Context, addr string) (*redisBackend, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	rb := &redisBackend{addr: addr, prefix: "rpkit-demo-" + hex.EncodeToString(b[:])}
	// Fail at start with a clear message rather than on the first login.
	// A plain dial first: go-redis would retry a refused connection for
	// seconds, logging each attempt.
	conn, err := (&net.Dialer{Timeout: 2 * time.Second}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot reach Redis at %s: %w", addr, err)
	}
	conn.Close()
	c := rb.client()
	pingCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := c.Ping(pingCtx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("no PING answer from Redis at %s: %w", addr, err)
	}
	return rb, nil
}

// client opens a new connection pool: each replica gets its own, as
// separate processes would.
func (rb *redisBackend) client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: rb.addr})
	rb.clients = append(rb.clients, c)
	return c
}

// storesFor returns one instance's stores of app appID. Instances of the
// same app share the prefix, hence the state.
func (rb *redisBackend) storesFor(appID string) (stores, error) {
	st, err := redisstore.New(rb.client(), redisstore.Options{Prefix: rb.prefix + "-" + appID})
	if err != nil {
		return stores{}, err
	}
	return stores{Sessions: st.Sessions(), Pending: st.Pending(), Replay: st.Replay(), SAMLRequests: st.SAMLRequests()}, nil
}

// Close deletes this run's keys (they would expire anyway; this keeps a
// shared Redis tidy) and closes the connection pools.
func (rb *redisBackend) Close(ctx context.Context) {
	if len(rb.clients) > 0 {
		c := rb.clients[0]
		iter := c.Scan(ctx, 0, rb.prefix+"-*", 500).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		for len(keys) > 0 {
			n := min(len(keys), 500)
			_ = c.Unlink(ctx, keys[:n]...).Err()
			keys = keys[n:]
		}
	}
	for _, c := range rb.clients {
		_ = c.Close()
	}
}
