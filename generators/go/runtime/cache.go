package ati

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/json"
	"slices"
	"sync"
	"time"
)

// The client-side cache of answers the spec marks cacheable (x-sdk-cache: issued capability
// tokens). An answer is kept per key (the key arguments, sorted where they are sets) until
// shortly before it expires, then fetched anew; at most one request per key is in flight however
// many goroutines ask; operations the spec marks as evicting (revoking a token, revoking an
// agent) drop the entries they invalidate. A Client has its own cache (Client.With too), and the
// effective base URL and API key are part of every key, so one organization never gets another's
// token.

const (
	// cacheMaxEntries bounds the cache; the least recently used entry goes first.
	cacheMaxEntries = 256
	// cacheRefreshMargin is how long before expiry an entry is replaced (at most a tenth of its
	// lifetime, so a short-lived answer is still reused for most of its life).
	cacheRefreshMargin = 30 * time.Second
)

type responseCache struct {
	now func() time.Time

	mu       sync.Mutex
	entries  map[string]*list.Element // of *cacheEntry; the list is in use order, oldest first
	lru      list.List
	inflight map[string]*cacheFlight
	// generation counts evictions, so an answer fetched across an eviction is not stored: it may
	// be the very token (or belong to the very agent) just revoked.
	generation uint64
}

type cacheEntry struct {
	key       string
	value     any
	fields    map[string]string
	refreshAt time.Time
}

type cacheFlight struct {
	done  chan struct{}
	value any
	err   error
}

func newResponseCache() *responseCache {
	return &responseCache{now: time.Now, entries: map[string]*list.Element{}, inflight: map[string]*cacheFlight{}}
}

// cacheFor is the cache a call with opts uses, or nil when the client or the call opted out.
func (c *Client) cacheFor(opts []Option) (*responseCache, string) {
	cfg := c.cfg
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	// A caller who wants the raw answer (WithResponseBodyInto, WithResponseInto) gets a real call.
	if cfg.cache == nil || cfg.cacheOff || cfg.err != nil || cfg.responseInto != nil || cfg.responseMeta != nil {
		return nil, ""
	}
	sum := sha256.Sum256([]byte(cfg.apiKey))
	return cfg.cache, cfg.baseURL + "\x00" + string(sum[:])
}

// cacheKey joins a call's identity (cacheFor) and its key arguments; a []string argument is a
// set: its order and duplicates do not matter.
func cacheKey(identity string, args ...any) string {
	parts := make([]any, 0, len(args)+1)
	parts = append(parts, identity)
	for _, a := range args {
		if list, ok := a.([]string); ok {
			set := slices.Clone(list)
			slices.Sort(set)
			a = slices.Compact(set)
		}
		parts = append(parts, a)
	}
	data, _ := json.Marshal(parts)
	return string(data)
}

// cachedCall returns the fresh cached answer for key, or fetches it (once for every goroutine
// asking for key at the same time) and caches it until expiry(answer). fields(answer) are the
// values evictions match against. The fetch is not cancelled when one waiting caller's context
// ends: the others may still want the answer; each caller stops waiting at its own context.
func cachedCall[T any](ctx context.Context, op *operation, rc *responseCache, key string,
	fetch func(context.Context) (*T, error), meta func(*T) (issued, expires time.Time, fields map[string]string)) (*T, error) {
	if ctx == nil {
		return fetch(ctx) // the call reports the nil context
	}
	rc.mu.Lock()
	if el, ok := rc.entries[key]; ok {
		e := el.Value.(*cacheEntry)
		if rc.now().Before(e.refreshAt) {
			rc.lru.MoveToBack(el)
			rc.mu.Unlock()
			cp := *e.value.(*T)
			return &cp, nil
		}
		rc.remove(el)
	}
	f, ok := rc.inflight[key]
	if !ok {
		f = &cacheFlight{done: make(chan struct{})}
		rc.inflight[key] = f
		gen := rc.generation
		asked := rc.now()
		go rc.fill(context.WithoutCancel(ctx), key, f, gen, asked, func(ctx context.Context) (any, time.Duration, map[string]string, error) {
			v, err := fetch(ctx)
			if err != nil {
				return nil, 0, nil, err
			}
			issued, expires, fields := meta(v)
			// The gateway's own issued_at, when the answer has one, keeps client clock skew out.
			if issued.IsZero() {
				issued = asked
			}
			return v, expires.Sub(issued), fields, nil
		})
	}
	rc.mu.Unlock()
	select {
	case <-f.done:
	case <-ctx.Done():
		return nil, ctxError(op, ctx.Err())
	}
	if f.err != nil {
		return nil, f.err
	}
	cp := *f.value.(*T)
	return &cp, nil
}

func (rc *responseCache) fill(ctx context.Context, key string, f *cacheFlight, gen uint64, asked time.Time,
	fetch func(context.Context) (any, time.Duration, map[string]string, error)) {
	v, lifetime, fields, err := fetch(ctx)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	delete(rc.inflight, key)
	f.value, f.err = v, err
	close(f.done)
	if err != nil || gen != rc.generation || lifetime <= 0 {
		return
	}
	refreshAt := asked.Add(lifetime - min(cacheRefreshMargin, lifetime/10))
	if el, ok := rc.entries[key]; ok {
		rc.remove(el)
	}
	rc.entries[key] = rc.lru.PushBack(&cacheEntry{key: key, value: v, fields: fields, refreshAt: refreshAt})
	for rc.lru.Len() > cacheMaxEntries {
		rc.remove(rc.lru.Front())
	}
}

// remove drops one entry; callers hold rc.mu.
func (rc *responseCache) remove(el *list.Element) {
	delete(rc.entries, el.Value.(*cacheEntry).key)
	rc.lru.Remove(el)
}

// evict drops every entry whose field equals value, and keeps answers already in flight from
// being stored. Safe on a nil cache.
func (rc *responseCache) evict(field, value string) {
	if rc == nil {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.generation++
	for el := rc.lru.Front(); el != nil; {
		next := el.Next()
		if v, ok := el.Value.(*cacheEntry).fields[field]; ok && v == value {
			rc.remove(el)
		}
		el = next
	}
}

// len is the number of cached entries (for tests).
func (rc *responseCache) len() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.lru.Len()
}
