package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/vnconnect/web/redisstore"
)

// testPrefix returns a random key prefix for one test and deletes every key
// under it when the test ends, so test packages running in parallel on the
// same Redis never see each other's keys. Never FLUSHALL: the Redis is
// shared.
func testPrefix(t testing.TB, client *redis.Client) string {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	prefix := "rpkit-test-" + hex.EncodeToString(b[:])
	t.Cleanup(func() { deletePrefix(t, client, prefix) })
	return prefix
}

func deletePrefix(t testing.TB, client *redis.Client, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := client.Scan(ctx, 0, prefix+":*", 500).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("cleanup scan %s: %v", prefix, err)
		return
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := client.Del(ctx, keys[:n]...).Err(); err != nil {
			t.Errorf("cleanup del: %v", err)
			return
		}
		keys = keys[n:]
	}
}

// newClient connects to the test Redis (skipping or failing through
// testenv when there is none) and closes the client when the test ends.
func newClient(t testing.TB) *redis.Client {
	t.Helper()
	addr := testenv.RedisAddr(t)
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	return c
}

// newStore returns a Store on its own client and a fresh prefix, plus the
// client for inspecting keys.
func newStore(t testing.TB, opts redisstore.Options) (*redisstore.Store, *redis.Client) {
	t.Helper()
	c := newClient(t)
	if opts.Prefix == "" {
		opts.Prefix = testPrefix(t, c)
	}
	s, err := redisstore.New(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// replica returns a second Store on the same Redis and prefix as s, on a
// client of its own: what another app instance would have.
func replica(t testing.TB, s *redisstore.Store, opts redisstore.Options) *redisstore.Store {
	t.Helper()
	opts.Prefix = s.Prefix()
	r, err := redisstore.New(newClient(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// keysUnder lists every key under the store's prefix.
func keysUnder(t testing.TB, c *redis.Client, prefix string) []string {
	t.Helper()
	ctx := context.Background()
	var keys []string
	iter := c.Scan(ctx, 0, prefix+":*", 500).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return keys
}

// assertAllExpire checks with PTTL that every key under prefix has an
// expiry: the package promises no key lives forever.
func assertAllExpire(t testing.TB, c *redis.Client, prefix string) {
	t.Helper()
	keys := keysUnder(t, c, prefix)
	if len(keys) == 0 {
		t.Fatalf("no keys under %s", prefix)
	}
	for _, k := range keys {
		ttl, err := c.PTTL(context.Background(), k).Result()
		if err != nil {
			t.Fatal(err)
		}
		if ttl <= 0 {
			t.Errorf("key %s has PTTL %v, want an expiry", k, ttl)
		}
	}
}
