package redisstore_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
	"github.com/rpkit-vn/rpkit/vnconnect/web/redisstore"
)

func TestNewValidates(t *testing.T) {
	plain := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer plain.Close()
	cluster := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:1"}})
	defer cluster.Close()

	for _, tc := range []struct {
		name   string
		client redis.UniversalClient
		prefix string
		want   error
	}{
		{"nil client", nil, "", redisstore.ErrNoClient},
		{"default prefix", plain, "", nil},
		{"glob in prefix", plain, "app*", redisstore.ErrInvalidPrefix},
		{"space in prefix", plain, "my app", redisstore.ErrInvalidPrefix},
		{"cluster without hash tag", cluster, "app", redisstore.ErrClusterPrefix},
		{"cluster with empty hash tag", cluster, "app{}", redisstore.ErrClusterPrefix},
		{"cluster with hash tag", cluster, "{app}", nil},
		{"cluster with hash tag inside", cluster, "rp:{portal}:prod", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := redisstore.New(tc.client, redisstore.Options{Prefix: tc.prefix})
			if !errors.Is(err, tc.want) {
				t.Fatalf("New = %v, want %v", err, tc.want)
			}
			if err == nil && tc.prefix == "" && s.Prefix() != redisstore.DefaultPrefix {
				t.Errorf("Prefix() = %q, want the default", s.Prefix())
			}
		})
	}
}

// TestRedisDownFailsClosed: with no Redis to talk to, every operation
// returns an *redisstore.Error — never success, never "not found", never
// "not seen before". It needs no Redis, so it always runs.
func TestRedisDownFailsClosed(t *testing.T) {
	// An address nobody listens on: bind a port, then free it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second,
		DialerRetries: 1, DialerRetryTimeout: time.Millisecond})
	defer c.Close()
	s, err := redisstore.New(c, redisstore.Options{Prefix: "down"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now()
	sess := &web.Session{ID: "id", Issuer: "iss", Subject: "sub", SID: "sid", CreatedAt: now, LastSeen: now,
		IdleUntil: now.Add(time.Hour), AbsoluteUntil: now.Add(time.Hour)}

	checks := map[string]error{
		"Pending.Put":     s.Pending().Put(ctx, "k", []byte("v"), time.Minute),
		"Replay.Remember": s.Replay().Remember(ctx, "jti", now.Add(time.Minute)),
		"Sessions.Save":   s.Sessions().Save(ctx, sess),
		"Sessions.Delete": s.Sessions().Delete(ctx, "id"),
	}
	v, err := s.Pending().Take(ctx, "k")
	if v != nil {
		t.Errorf("Pending.Take returned a value")
	}
	checks["Pending.Take"] = err
	got, err := s.Sessions().Load(ctx, "id")
	if got != nil {
		t.Errorf("Sessions.Load returned a session")
	}
	checks["Sessions.Load"] = err
	_, checks["Sessions.DeleteBySID"] = s.Sessions().DeleteBySID(ctx, "iss", "sid")
	_, checks["Sessions.DeleteBySubject"] = s.Sessions().DeleteBySubject(ctx, "iss", "sub")

	for name, err := range checks {
		var re *redisstore.Error
		if !errors.As(err, &re) {
			t.Errorf("%s = %v, want a *redisstore.Error", name, err)
		}
		if errors.Is(err, vnconnect.ErrReplay) || errors.Is(err, web.ErrExists) {
			t.Errorf("%s = %v: an outage must not look like a protocol answer", name, err)
		}
	}
}
