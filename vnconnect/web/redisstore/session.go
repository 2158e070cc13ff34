package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// ErrNoSessionID is returned by SessionStore.Save for a nil session or one
// without an ID.
var ErrNoSessionID = errors.New("redisstore: session without ID")

// ErrUndecodable wraps the error of web.UnmarshalSession when a stored
// session cannot be decoded (e.g. written by a newer, incompatible
// version). Load reports it rather than guess.
var ErrUndecodable = errors.New("redisstore: stored session cannot be decoded")

// Fields of a session's hash. The encoded session is opaque here (web owns
// its format); the two index keys are kept beside it so that a logout can
// tell a current member of an index from a stale one without decoding.
const (
	fieldData = "d"
	fieldSID  = "sid"
	fieldSub  = "sub"
)

// SessionStore is a web.SessionStore on Redis. Each session is a hash at
// "prefix:sess:<digest(id)>" that expires at Session.ExpiresAt; the sets
// "prefix:sid:<digest(iss,sid)>" and "prefix:sub:<digest(iss,sub)>" list
// the sessions of one IdP session and one subject, and live at least as
// long as their newest member.
type SessionStore struct{ s *Store }

// Sessions returns the session store.
func (s *Store) Sessions() *SessionStore { return &SessionStore{s: s} }

func (st *SessionStore) sidIndex(issuer, sid string) string {
	if sid == "" {
		return ""
	}
	return st.s.key("sid", issuer, sid)
}

func (st *SessionStore) subIndex(issuer, sub string) string {
	if sub == "" {
		return ""
	}
	return st.s.key("sub", issuer, sub)
}

// Save writes sess (replacing any session with its ID) in one MULTI: the
// hash, its TTL, and its membership of the sid and subject indexes. A
// session whose deadline has passed (or that has none) is deleted instead:
// nothing is written without an expiry.
func (st *SessionStore) Save(ctx context.Context, sess *web.Session) error {
	if sess == nil || sess.ID == "" {
		return ErrNoSessionID
	}
	if sess.Expired(st.s.clock()) {
		return st.Delete(ctx, sess.ID)
	}
	w, err := st.writer(sess)
	if err != nil {
		return err
	}
	if _, err := st.s.client.TxPipelined(ctx, w.queue(ctx)); err != nil {
		return opError("save session", err)
	}
	return nil
}

// Refresh implements web.SessionRefresher: it saves sess only while its key
// still exists. WATCH makes the check and the write one step: a logout on
// another replica that deletes the key in between aborts the write, so the
// logout is never undone.
func (st *SessionStore) Refresh(ctx context.Context, sess *web.Session) (bool, error) {
	if sess == nil || sess.ID == "" {
		return false, ErrNoSessionID
	}
	if sess.Expired(st.s.clock()) {
		return false, st.Delete(ctx, sess.ID)
	}
	w, err := st.writer(sess)
	if err != nil {
		return false, err
	}
	stored := false
	err = st.s.client.Watch(ctx, func(tx *redis.Tx) error {
		n, err := tx.Exists(ctx, w.key).Result()
		if err != nil || n == 0 {
			return err
		}
		if _, err := tx.TxPipelined(ctx, w.queue(ctx)); err != nil {
			return err
		}
		stored = true
		return nil
	}, w.key)
	if errors.Is(err, redis.TxFailedErr) {
		// The key changed under the WATCH: deleted (logout) or refreshed by
		// another request. Either way our write is not needed; report what
		// is there now.
		n, err := st.s.client.Exists(ctx, w.key).Result()
		if err != nil {
			return false, opError("refresh session", err)
		}
		return n > 0, nil
	}
	if err != nil {
		return false, opError("refresh session", err)
	}
	return stored, nil
}

// sessionWrite is one session's key, data and indexes, ready to queue.
type sessionWrite struct {
	key, member    string
	sidIdx, subIdx string
	data           []byte
	ttl            time.Duration
}

func (st *SessionStore) writer(sess *web.Session) (*sessionWrite, error) {
	data, err := web.MarshalSession(sess)
	if err != nil {
		return nil, fmt.Errorf("redisstore: save session: %w", err)
	}
	member := digest(sess.ID)
	return &sessionWrite{
		key: st.s.keyFromDigest("sess", member), member: member,
		sidIdx: st.sidIndex(sess.Issuer, sess.SID), subIdx: st.subIndex(sess.Issuer, sess.Subject),
		data: data, ttl: roundUpMillis(sess.ExpiresAt().Sub(st.s.clock())),
	}, nil
}

// queue returns the function that adds the write to a MULTI pipeline.
func (w *sessionWrite) queue(ctx context.Context) func(redis.Pipeliner) error {
	return func(p redis.Pipeliner) error { return w.add(ctx, p) }
}

func (w *sessionWrite) add(ctx context.Context, p redis.Pipeliner) error {
	// Indexes expire on whole seconds, rounded up, so never before a
	// member; NX gives a new set its first expiry, GT only ever extends it.
	idxTTL := roundUpSeconds(w.ttl)
	// DEL first: the hash is replaced whole, never merged with fields an
	// older writer (another release) may have left.
	p.Del(ctx, w.key)
	p.HSet(ctx, w.key, fieldData, w.data, fieldSID, w.sidIdx, fieldSub, w.subIdx)
	p.PExpire(ctx, w.key, w.ttl)
	for _, idx := range []string{w.sidIdx, w.subIdx} {
		if idx == "" {
			continue
		}
		p.SAdd(ctx, idx, w.member)
		p.ExpireNX(ctx, idx, idxTTL)
		p.ExpireGT(ctx, idx, idxTTL)
	}
	return nil
}

func (st *SessionStore) Load(ctx context.Context, id string) (*web.Session, error) {
	data, err := st.s.client.HGet(ctx, st.s.key("sess", id), fieldData).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, opError("load session", err)
	}
	sess, err := web.UnmarshalSession(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUndecodable, err)
	}
	if sess.ID != id {
		// Only a digest collision or a tampered Redis could get here; do
		// not hand one person's session to another's cookie.
		return nil, fmt.Errorf("%w: session ID mismatch", ErrUndecodable)
	}
	if sess.Expired(st.s.clock()) {
		return nil, nil
	}
	return sess, nil
}

// Delete removes the session and its index memberships. A missing session
// is not an error.
func (st *SessionStore) Delete(ctx context.Context, id string) error {
	member := digest(id)
	key := st.s.keyFromDigest("sess", member)
	idx, err := st.s.client.HMGet(ctx, key, fieldSID, fieldSub).Result()
	if err != nil {
		return opError("delete session", err)
	}
	_, err = st.s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, key)
		for _, v := range idx {
			if k, ok := v.(string); ok && k != "" {
				p.SRem(ctx, k, member)
			}
		}
		return nil
	})
	if err != nil {
		return opError("delete session", err)
	}
	return nil
}

// DeleteBySID deletes every session of IdP session sid at issuer and
// reports how many live sessions it ended.
func (st *SessionStore) DeleteBySID(ctx context.Context, issuer, sid string) (int, error) {
	if sid == "" {
		return 0, nil
	}
	return st.deleteIndexed(ctx, st.sidIndex(issuer, sid), fieldSID, "")
}

// DeleteBySubject deletes every session of subject sub at issuer and
// reports how many live sessions it ended.
func (st *SessionStore) DeleteBySubject(ctx context.Context, issuer, sub string) (int, error) {
	if sub == "" {
		return 0, nil
	}
	return st.deleteIndexed(ctx, st.subIndex(issuer, sub), fieldSub, "")
}

// DeleteBySIDAndSubject implements web.SessionSubjectDeleter: of the
// sessions of IdP session sid at issuer, it deletes those of subject sub,
// and reports how many live sessions it ended. The session hash keeps its
// subject's index key beside the sid's, so the match needs no decoding,
// and it is made under the same WATCH as the delete.
func (st *SessionStore) DeleteBySIDAndSubject(ctx context.Context, issuer, sid, sub string) (int, error) {
	if sid == "" || sub == "" {
		return 0, nil
	}
	return st.deleteIndexed(ctx, st.sidIndex(issuer, sid), fieldSID, st.subIndex(issuer, sub))
}

// maxTxAttempts bounds the optimistic retries of deleteIndexed. Each retry
// means a session joined or was touched in the index meanwhile; logouts are
// rare and indexes small, so a handful of attempts is plenty.
const maxTxAttempts = 16

// ErrContention is returned when an index kept changing during every
// attempt of a DeleteBy… call. The sessions may survive: the caller should
// report failure (e.g. answer the back-channel logout with an error so the
// IdP retries) rather than success.
var ErrContention = errors.New("redisstore: index changed during every attempt")

// deleteIndexed ends the sessions listed in index idx under WATCH (of the
// index and of each member's hash): it reads the members, keeps those
// whose hash still names idx in field (a session saved again under
// another sid is a stale member, and is only dropped from the set) and,
// when subIdx is set, also names subIdx as its subject index (a current
// member of another subject stays, in the set too), and deletes them in
// one MULTI. If a session joins the index in between, EXEC fails and it
// starts over, so a login racing a logout of the same sid cannot slip
// through. Deleting the sessions and the set in one transaction across
// keys needs them in one slot on Redis Cluster (see Options.Prefix).
func (st *SessionStore) deleteIndexed(ctx context.Context, idx, field, subIdx string) (int, error) {
	fields := []string{field}
	if subIdx != "" {
		fields = append(fields, fieldSub)
	}
	for range maxTxAttempts {
		var n int
		err := st.s.client.Watch(ctx, func(tx *redis.Tx) error {
			members, err := tx.SMembers(ctx, idx).Result()
			if err != nil || len(members) == 0 {
				return err
			}
			keys := make([]string, len(members))
			for i, m := range members {
				keys[i] = st.s.keyFromDigest("sess", m)
			}
			// Watch the sessions too: one saved again meanwhile (perhaps
			// under another sid) must be judged on its new contents.
			if err := tx.Watch(ctx, keys...).Err(); err != nil {
				return err
			}
			owners := make([]*redis.SliceCmd, len(members))
			_, err = tx.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i, k := range keys {
					owners[i] = p.HMGet(ctx, k, fields...)
				}
				return nil
			})
			if err != nil {
				return err
			}
			var doomed []string
			var gone []any // members to drop from the set
			for i, k := range keys {
				v := owners[i].Val()
				if owner, _ := v[0].(string); owner != idx {
					gone = append(gone, members[i]) // stale
					continue
				}
				if subIdx != "" {
					if sub, _ := v[1].(string); sub != subIdx {
						continue // a current member, of another subject
					}
				}
				doomed = append(doomed, k)
				gone = append(gone, members[i])
			}
			if len(gone) == 0 {
				return nil
			}
			var del *redis.IntCmd
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				if len(doomed) > 0 {
					del = p.Del(ctx, doomed...)
				}
				p.SRem(ctx, idx, gone...)
				return nil
			})
			if err != nil {
				return err
			}
			if del != nil {
				n = int(del.Val())
			}
			return nil
		}, idx)
		switch {
		case err == nil:
			return n, nil
		case errors.Is(err, redis.TxFailedErr):
			if ctx.Err() != nil {
				return 0, opError("delete sessions", ctx.Err())
			}
			continue
		default:
			return 0, opError("delete sessions", err)
		}
	}
	return 0, fmt.Errorf("redisstore: delete sessions: %w", ErrContention)
}

// roundUpSeconds rounds a TTL up to whole seconds (EXPIRE's resolution).
func roundUpSeconds(d time.Duration) time.Duration {
	if r := d % time.Second; r != 0 {
		d += time.Second - r
	}
	return d
}
