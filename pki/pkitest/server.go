package pkitest

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// repositoryHandler serves /crl/{root,subca}.crl, /crl/subca-delta.crl and
// /certs/{root,subca}.cer.
func (p *PKI) repositoryHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /crl/{file}", func(w http.ResponseWriter, r *http.Request) {
		p.crlFetches.Add(1)
		if p.fault(w, r, FaultCRLDown, FaultCRLHang) {
			return
		}
		file := r.PathValue("file")
		name, delta := strings.CutSuffix(strings.TrimSuffix(file, ".crl"), "-delta")
		a := p.authorityNamed(name)
		if a == nil || !strings.HasSuffix(file, ".crl") || (delta && !a.delta) {
			http.NotFound(w, r)
			return
		}
		if p.hasFault(FaultCRLGarbage) {
			w.Header().Set("Content-Type", "application/pkix-crl")
			_, _ = w.Write([]byte("this is not a CRL"))
			return
		}
		der, err := p.signCRL(a, delta)
		if err != nil {
			http.Error(w, "signing failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/pkix-crl")
		_, _ = w.Write(der)
	})
	mux.HandleFunc("GET /certs/{file}", func(w http.ResponseWriter, r *http.Request) {
		a := p.authorityNamed(strings.TrimSuffix(r.PathValue("file"), ".cer"))
		if a == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/pkix-cert")
		_, _ = w.Write(a.cert.Raw)
	})
	return p.afterReady(mux)
}

// afterReady holds requests until NewPKI has finished building the CAs.
func (p *PKI) afterReady(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-p.ready:
			h.ServeHTTP(w, r)
		case <-p.stop:
			http.Error(w, "pkitest closed", http.StatusServiceUnavailable)
		case <-r.Context().Done():
		}
	})
}

// ocspHandler is the responder: POST with the DER request as body, or GET
// with it base64-encoded in the path (RFC 6960 appendix A).
func (p *PKI) ocspHandler() http.Handler {
	return p.afterReady(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.ocspRequests.Add(1)
		if p.fault(w, r, FaultOCSPDown, FaultOCSPHang) {
			return
		}
		var raw []byte
		switch r.Method {
		case http.MethodPost:
			b, err := io.ReadAll(io.LimitReader(r.Body, maxOCSPRequest+1))
			if err != nil || len(b) > maxOCSPRequest {
				http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
				return
			}
			raw = b
		case http.MethodGet:
			s, err := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), "/"))
			if err == nil {
				raw, err = base64.StdEncoding.DecodeString(s)
			}
			if err != nil {
				http.Error(w, "bad request encoding", http.StatusBadRequest)
				return
			}
		default:
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		resp, err := p.respondOCSP(raw)
		if err != nil {
			http.Error(w, "signing failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/ocsp-response")
		_, _ = w.Write(resp)
	}))
}

// fault applies a "down" or "hang" fault and reports whether it answered.
// A hanging handler returns when the client gives up or the PKI closes, so
// Close never waits on it.
func (p *PKI) fault(w http.ResponseWriter, r *http.Request, down, hang Fault) bool {
	switch {
	case p.hasFault(down):
		http.Error(w, "service unavailable (pkitest fault)", http.StatusServiceUnavailable)
		return true
	case p.hasFault(hang):
		select {
		case <-r.Context().Done():
		case <-p.stop:
		}
		return true
	}
	return false
}

func (p *PKI) authorityNamed(name string) *authority {
	switch name {
	case p.root.name:
		return p.root
	case p.sub.name:
		return p.sub
	}
	return nil
}
