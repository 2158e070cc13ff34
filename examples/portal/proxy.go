package main

import (
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"time"
)

// roundRobin is the demo's load balancer: each request goes to the next
// replica in turn, so consecutive requests of one browser always land on
// different instances. No stickiness on purpose: the login, callback,
// page views and logout only work because the replicas share their state
// in Redis.
type roundRobin struct {
	proxies []*httputil.ReverseProxy
	served  []atomic.Int64
	next    atomic.Uint64
}

func newRoundRobin(targets []string, logger *slog.Logger) (*roundRobin, error) {
	// One transport for all replicas, with enough idle connections kept
	// per replica that a load test reuses them instead of dialling anew
	// (the default keeps 2).
	transport := &http.Transport{
		MaxIdleConnsPerHost: 128,
		IdleConnTimeout:     30 * time.Second,
	}
	rr := &roundRobin{served: make([]atomic.Int64, len(targets))}
	for _, t := range targets {
		u, err := url.Parse(t)
		if err != nil {
			return nil, err
		}
		rr.proxies = append(rr.proxies, &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.SetURL(u)
				// The apps build every URL from their BaseURL, the
				// proxy's; keeping the public Host is what a real
				// balancer does too.
				pr.Out.Host = pr.In.Host
				pr.SetXForwarded()
			},
			Transport: transport,
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				logger.Warn("proxy: replica unreachable", "replica", u.Host, "err", err)
				http.Error(w, "Dịch vụ tạm thời không khả dụng.", http.StatusBadGateway)
			},
		})
	}
	return rr, nil
}

func (rr *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := (rr.next.Add(1) - 1) % uint64(len(rr.proxies))
	rr.served[i].Add(1)
	rr.proxies[i].ServeHTTP(w, r)
}

// counts is how many requests each replica has been sent so far.
func (rr *roundRobin) counts() []int64 {
	out := make([]int64, len(rr.served))
	for i := range rr.served {
		out[i] = rr.served[i].Load()
	}
	return out
}
