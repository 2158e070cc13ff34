// Package redisstore keeps the web adapter's server-side state in Redis so
// that several replicas of an application share it: a login started on one
// replica finishes on another, a back-channel logout received by one ends
// the session on all of them, and a one-time token or SAML response
// accepted by one is refused by the others.
//
// One Store hands out four stores on one go-redis client:
//
//	Sessions()      web.SessionStore
//	Pending()       web.PendingStore   (logins in flight)
//	SAMLRequests()  saml.RequestStore  (outstanding AuthnRequest IDs)
//	Replay()        vnconnect.ReplayCache (logout-token jti, SAML assertion IDs)
//
// # Keys
//
// Every key starts with Options.Prefix (default "rpkit") and ":". The
// identifiers that name entries — session IDs, OAuth states, request IDs,
// token IDs, issuer/sid/sub pairs — come from cookies, query strings and
// tokens, so they are hashed (SHA-256, hex) rather than used raw: keys have
// one length whatever the input, and a key listing shows no cookie value.
//
//	prefix:sess:<h(id)>        hash: d = web.MarshalSession(s), sid/sub = its index keys
//	prefix:sid:<h(iss,sid)>    set of h(id): the sessions of one IdP session
//	prefix:sub:<h(iss,sub)>    set of h(id): the sessions of one subject
//	prefix:pend:<h(key)>       string: a pending login
//	prefix:samlreq:<h(key)>    string: a pending SAML request
//	prefix:replay:<h(id)>      string "1": a one-time ID already used
//
// # TTLs
//
// Nothing is written without an expiry. A session key expires at
// Session.ExpiresAt, the earlier of its idle and absolute deadlines, as
// told by Options.Clock; saving a session whose deadline has passed deletes
// it. An index set's expiry only ever grows (EXPIRE NX, then GT) to cover
// its longest-lived member. Pending entries live for the TTL given to Put
// (which must be positive), replay entries until the time given to
// Remember. Only durations are sent, so the application's and Redis's
// clocks need not agree.
//
// # Atomicity
//
// Take is GETDEL and Put and Remember are SET NX: of any number of
// concurrent callers on any number of replicas exactly one wins. Save
// writes a session and its index memberships in one MULTI. DeleteBySID and
// DeleteBySubject read an index under WATCH, delete the sessions that still
// belong to it and the set's members in one MULTI, and start over if a
// session joined or changed meanwhile, so a login racing a logout of the
// same IdP session cannot survive it. Members whose session has expired or
// was saved again under another sid are stale; they are dropped, never
// counted, never followed. DeleteBySIDAndSubject (web.SessionSubjectDeleter)
// is DeleteBySID restricted, under the same WATCH, to the sessions whose
// hash names the subject's index: a current member of another subject
// stays, in the set too.
//
// # When Redis is down
//
// Every method returns an error (a *Error wrapping the go-redis error) and
// none reports success, "not found" or "not seen before" it has not
// confirmed: logins, callbacks and logouts fail until Redis answers again;
// they never fail open. A back-channel logout that fails this way should be
// answered with an error so the identity provider retries it.
//
// # Redis versions and Cluster
//
// Redis 7.0 or later is required (GETDEL, EXPIRE NX/GT). With Redis
// Cluster, put a hash tag in the prefix ("{rpkit}") so that a session and
// its indexes share a slot; New refuses a cluster client without one. The
// store needs no Lua scripts.
package redisstore
