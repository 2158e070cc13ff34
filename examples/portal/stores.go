package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/pki"
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

// nonces returns the single-use store for purpose that every replica
// shares: a challenge issued by one replica may be answered on another.
func (rb *redisBackend) nonces(purpose string) pki.NonceStore {
	return redisNonces{c: rb.client(), prefix: rb.prefix + "-" + purpose + "-"}
}

// limiter returns a password-attempt limiter for purpose that every
// replica shares: the same keys, counted by one Lua script per attempt.
func (rb *redisBackend) limiter(purpose string, policy migrate.LimitPolicy) (migrate.Limiter, error) {
	return migrate.NewRedisLimiter(rb.client(), migrate.RedisLimiterOptions{Policy: policy, Prefix: rb.prefix + "-" + purpose})
}

// redisNonces is a pki.NonceStore in Redis: SET NX with the challenge's
// lifetime, and GETDEL, so that of two answers to one challenge at most
// one takes it.
type redisNonces struct {
	c      *redis.Client
	prefix string
}

func (n redisNonces) Put(ctx context.Context, id string, value []byte, ttl time.Duration) error {
	ok, err := n.c.SetNX(ctx, n.prefix+id, value, ttl).Result()
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("portal: challenge %q already stored", id)
	}
	return nil
}

func (n redisNonces) Take(ctx context.Context, id string) ([]byte, error) {
	v, err := n.c.GetDel(ctx, n.prefix+id).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	return v, err
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
