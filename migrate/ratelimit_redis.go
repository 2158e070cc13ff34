package migrate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultRedisLimiterPrefix starts a RedisLimiter's keys when
// RedisLimiterOptions.Prefix is empty (the same default as
// vnconnect/web/redisstore, whose keys never collide with these).
const DefaultRedisLimiterPrefix = "rpkit"

// RedisLimiterOptions configures a RedisLimiter. The zero value is usable:
// DefaultUserPolicy and keys under DefaultRedisLimiterPrefix.
type RedisLimiterOptions struct {
	// Policy is the limit; zero fields take DefaultUserPolicy's, as in
	// NewMemoryLimiter. A client-network limiter wants
	// DefaultClientPolicy.
	Policy LimitPolicy
	// Prefix starts every key, followed by ":linklimit:". Give each
	// application (or environment sharing one Redis) its own; every
	// replica of one application must use the same one, or they do not
	// share counts.
	Prefix string
	// ClockSkew is kept on every key's TTL beyond what the state needs, so
	// that a replica whose clock lags by up to that much still finds the
	// state it would count with (keeping a key longer changes nothing
	// else). Zero means DefaultRedisClockSkew; negative, none.
	ClockSkew time.Duration
}

// DefaultRedisClockSkew is RedisLimiterOptions.ClockSkew's default.
const DefaultRedisClockSkew = time.Second

// RedisLimiter is a Limiter on Redis, for an application run as several
// replicas: every replica with the same Redis and prefix shares one count
// per key, so running more processes does not give an attacker more
// guesses (which is what MemoryLimiters there would do).
//
// Each key's state is one Redis hash, read and written by one Lua script
// (atomic: parallel attempts on several replicas are counted one by one)
// that also sets the hash's TTL to the longest of its lockout, its window
// and, after a lockout, Policy.Memory — so every key expires, and expires
// only when it remembers nothing the MemoryLimiter would have kept. The
// semantics are the MemoryLimiter's, to the millisecond.
//
// Time is the now the Linker passes (its Clock), not Redis's: replicas'
// clocks must agree (NTP) to within what a lockout may be shortened by,
// and keys live ClockSkew longer than their state needs.
// Unlike the MemoryLimiter there is no key count bound: each key costs a
// small hash for at most its TTL. Run the Redis with a noeviction
// maxmemory-policy, or a key evicted under memory pressure is a lockout
// forgotten.
//
// When Redis fails, Take and Forgive return a *RedisLimiterError and the
// Linker refuses the attempt: an outage never lets a guess through.
type RedisLimiter struct {
	client redis.UniversalClient
	policy LimitPolicy
	prefix string
	skew   time.Duration
}

var _ Limiter = (*RedisLimiter)(nil)

// ErrRedisLimiterConfig is returned by NewRedisLimiter for a nil client, a
// prefix with characters that would make keys ambiguous or hard to scan
// for (whitespace, '*', '?', '[', ']'), or a policy duration under a
// millisecond.
var ErrRedisLimiterConfig = errors.New("migrate: invalid RedisLimiter configuration")

// RedisLimiterError reports a failed Redis operation (unreachable, timed
// out, an error reply). The Linker wraps it and refuses the attempt.
type RedisLimiterError struct {
	Op  string // "take" or "forgive"
	Err error  // the go-redis error
}

func (e *RedisLimiterError) Error() string {
	return "migrate: redis limiter: " + e.Op + ": " + e.Err.Error()
}

// Unwrap returns the go-redis error.
func (e *RedisLimiterError) Unwrap() error { return e.Err }

// NewRedisLimiter returns a RedisLimiter on client. It does not contact
// Redis. The client stays the caller's to configure (timeouts, TLS, pool)
// and to close. Each key is one hash, so a Redis Cluster needs no hash tag.
func NewRedisLimiter(client redis.UniversalClient, opts RedisLimiterOptions) (*RedisLimiter, error) {
	if client == nil {
		return nil, errors.Join(ErrRedisLimiterConfig, errors.New("nil Redis client"))
	}
	prefix := opts.Prefix
	if prefix == "" {
		prefix = DefaultRedisLimiterPrefix
	}
	if strings.ContainsAny(prefix, " \t\r\n*?[]") {
		return nil, errors.Join(ErrRedisLimiterConfig, errors.New("the key prefix has whitespace or glob characters"))
	}
	p := opts.Policy.withDefaults(DefaultUserPolicy)
	// The script counts in milliseconds: a shorter duration would be 0 there.
	if min(p.Window, p.Lockout, p.MaxLockout, p.Memory) < time.Millisecond {
		return nil, errors.Join(ErrRedisLimiterConfig, errors.New("policy durations must be at least a millisecond"))
	}
	skew := opts.ClockSkew
	switch {
	case skew == 0:
		skew = DefaultRedisClockSkew
	case skew < 0:
		skew = 0
	}
	return &RedisLimiter{client: client, policy: p, prefix: prefix, skew: skew}, nil
}

// Policy reports the policy in use, defaults applied.
func (l *RedisLimiter) Policy() LimitPolicy { return l.policy }

// key is "prefix:linklimit:hex(sha256(key))": usernames are what people
// typed, so the key never shows them in a key listing and has one length
// whatever was typed.
func (l *RedisLimiter) key(k string) string {
	sum := sha256.Sum256([]byte(k))
	return l.prefix + ":linklimit:" + hex.EncodeToString(sum[:])
}

// takeScript is MemoryLimiter.Take on a hash: c count, ws window start,
// lu locked until, st strikes, l last attempt (times in Unix ms).
// ARGV: now, max, window, lockout, max lockout, memory, skew. It returns the
// wait in ms (0: go ahead).
var takeScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local max, window, lockout, maxLockout, memory, skew = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local s = redis.call('HMGET', KEYS[1], 'c', 'ws', 'lu', 'st', 'l')
local count, ws, lu, st, last = tonumber(s[1]), tonumber(s[2]), tonumber(s[3]), tonumber(s[4]), tonumber(s[5])
if count == nil then
  count, ws, lu, st = 0, now, 0, 0
end
if now < lu then
  return lu - now
end
if last == nil or now - last > memory then
  st = 0
end
if now - ws >= window then
  count, ws = 0, now
end
local wait = 0
if count >= max then
  st = st + 1
  local d = lockout
  local i = 1
  while i < st and d < maxLockout do
    d = d * 2
    i = i + 1
  end
  if d > maxLockout then d = maxLockout end
  lu, count, ws, wait = now + d, 0, now + d, d
else
  count = count + 1
end
redis.call('HSET', KEYS[1], 'c', string.format('%d', count), 'ws', string.format('%d', ws),
  'lu', string.format('%d', lu), 'st', string.format('%d', st), 'l', string.format('%d', now))
local ttl = math.max(lu - now, ws + window - now, 1)
if st > 0 and memory > ttl then ttl = memory end
redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl + skew))
return wait
`)

// Take implements Limiter.
func (l *RedisLimiter) Take(ctx context.Context, key string, now time.Time) (time.Duration, error) {
	p := l.policy
	ms, err := takeScript.Run(ctx, l.client, []string{l.key(key)}, now.UnixMilli(), p.Max, p.Window.Milliseconds(),
		p.Lockout.Milliseconds(), p.MaxLockout.Milliseconds(), p.Memory.Milliseconds(), l.skew.Milliseconds()).Int64()
	if err != nil {
		return 0, &RedisLimiterError{Op: "take", Err: err}
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Forgive implements Limiter.
func (l *RedisLimiter) Forgive(ctx context.Context, key string) error {
	if err := l.client.Del(ctx, l.key(key)).Err(); err != nil {
		return &RedisLimiterError{Op: "forgive", Err: err}
	}
	return nil
}
