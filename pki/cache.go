package pki

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"crypto/x509"
	"slices"
	"sync"
	"time"
)

// The verified-chain cache remembers, for a leaf and the exact set of
// intermediates it came with, the path that validated and the window in
// which every certificate of it is valid. A hit inside the window skips path
// building and signature checks; revocation is never cached here (the CRL and
// OCSP caches have their own lifetimes). Everything else validation depends
// on is fixed per Verifier (roots, policy, SHA-1 cut-off), so it is not in
// the key.

type cacheKey [sha256.Size]byte

func makeCacheKey(leaf *x509.Certificate, intermediates []*x509.Certificate, use Use) cacheKey {
	h := sha256.New()
	h.Write([]byte{byte(use)})
	leafSum := sha256.Sum256(leaf.Raw)
	h.Write(leafSum[:])
	// The order intermediates arrive in does not change the outcome.
	var sums [][sha256.Size]byte
	for _, c := range intermediates {
		if c != nil {
			sums = append(sums, sha256.Sum256(c.Raw))
		}
	}
	slices.SortFunc(sums, func(a, b [sha256.Size]byte) int { return bytes.Compare(a[:], b[:]) })
	for i := range sums {
		h.Write(sums[i][:])
	}
	var k cacheKey
	h.Sum(k[:0])
	return k
}

type chainEntry struct {
	chain               []*x509.Certificate
	subject             *Subject
	subjectErr          error
	notBefore, notAfter time.Time
}

func newChainEntry(chain []*x509.Certificate, s *Subject, serr error) *chainEntry {
	e := &chainEntry{chain: chain, subject: s, subjectErr: serr}
	for i, c := range chain {
		if i == 0 || c.NotBefore.After(e.notBefore) {
			e.notBefore = c.NotBefore
		}
		if i == 0 || c.NotAfter.Before(e.notAfter) {
			e.notAfter = c.NotAfter
		}
	}
	return e
}

type chainCache struct {
	mu    sync.Mutex
	size  int
	ll    *list.List
	items map[cacheKey]*list.Element
}

type cacheItem struct {
	key   cacheKey
	entry *chainEntry
}

func newChainCache(size int) *chainCache {
	return &chainCache{size: size, ll: list.New(), items: map[cacheKey]*list.Element{}}
}

// get returns the entry when at falls inside its validity window.
func (c *chainCache) get(k cacheKey, at time.Time) *chainEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return nil
	}
	e := el.Value.(*cacheItem).entry
	if at.Before(e.notBefore) || at.After(e.notAfter) {
		return nil
	}
	c.ll.MoveToFront(el)
	return e
}

func (c *chainCache) put(k cacheKey, e *chainEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		el.Value.(*cacheItem).entry = e
		c.ll.MoveToFront(el)
		return
	}
	c.items[k] = c.ll.PushFront(&cacheItem{key: k, entry: e})
	for c.ll.Len() > c.size {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.items, old.Value.(*cacheItem).key)
	}
}
