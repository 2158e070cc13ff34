package adminapi

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// route is one path with a handler per method. The router answers a known
// path with a wrong method itself (405 problem with Allow), which
// http.ServeMux would answer in plain text.
type route struct {
	pattern string
	methods map[string]http.HandlerFunc
}

func (a *api) routes() http.Handler {
	table := []route{
		{"/me", map[string]http.HandlerFunc{"GET": a.me}},
		{"/subsystems", map[string]http.HandlerFunc{"GET": a.subsystems}},
		{"/vnconnect/search", map[string]http.HandlerFunc{"GET": a.search}},
		{"/users", map[string]http.HandlerFunc{"GET": a.listUsers, "POST": a.addUser}},
		{"/users/{account}", map[string]http.HandlerFunc{"GET": a.memberships}},
		{"/users/{account}/{subsystem}", map[string]http.HandlerFunc{"GET": a.membership, "DELETE": a.remove}},
		{"/users/{account}/{subsystem}/activate", map[string]http.HandlerFunc{"POST": a.activate}},
		{"/users/{account}/{subsystem}/lock", map[string]http.HandlerFunc{"POST": a.lock}},
		{"/users/{account}/{subsystem}/open", map[string]http.HandlerFunc{"POST": a.open}},
		{"/users/{account}/{subsystem}/unit", map[string]http.HandlerFunc{"POST": a.changeUnit}},
		{"/users/{account}/{subsystem}/group", map[string]http.HandlerFunc{"POST": a.setGroup}},
		{"/users/{account}/{subsystem}/roles", map[string]http.HandlerFunc{"POST": a.grant}},
		{"/users/{account}/{subsystem}/roles/{role}", map[string]http.HandlerFunc{"DELETE": a.revoke}},
		{"/units", map[string]http.HandlerFunc{"GET": a.units}},
		{"/units/{unit}/admins", map[string]http.HandlerFunc{"GET": a.admins}},
		{"/audit", map[string]http.HandlerFunc{"GET": a.audit}},
		{"/super-admin/requests", map[string]http.HandlerFunc{"GET": a.superRequests, "POST": a.requestSuper}},
		{"/super-admin/requests/{id}/approve", map[string]http.HandlerFunc{"POST": a.approveSuper}},
		{"/super-admin/requests/{id}/reject", map[string]http.HandlerFunc{"POST": a.rejectSuper}},
		{"/change-form", map[string]http.HandlerFunc{"POST": a.changeForm}},
		{"/conversions/legacy", map[string]http.HandlerFunc{"GET": a.convLegacy}},
		{"/conversions/vnconnect", map[string]http.HandlerFunc{"GET": a.convVnconnect}},
		{"/conversions/plan", map[string]http.HandlerFunc{"POST": a.convPlan}},
		{"/conversions", map[string]http.HandlerFunc{"POST": a.convExecute}},
		{"/conversions/{id}", map[string]http.HandlerFunc{"GET": a.convGet}},
		{"/conversions/{id}/verify", map[string]http.HandlerFunc{"POST": a.convVerify}},
		{"/conversions/{id}/revert", map[string]http.HandlerFunc{"POST": a.convRevert}},
	}
	mux := http.NewServeMux()
	for _, rt := range table {
		mux.HandleFunc(rt.pattern, dispatch(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, newProblem(CodeNoRoute, ""))
	})
	return a.auth.Guard(a.authenticated(mux))
}

func dispatch(rt route) http.HandlerFunc {
	allow := make([]string, 0, len(rt.methods)+1)
	for m := range rt.methods {
		allow = append(allow, m)
	}
	if _, ok := rt.methods["GET"]; ok {
		allow = append(allow, "HEAD")
	}
	sort.Strings(allow)
	allowed := strings.Join(allow, ", ")
	return func(w http.ResponseWriter, r *http.Request) {
		m := r.Method
		if m == http.MethodHead {
			m = http.MethodGet
		}
		h, ok := rt.methods[m]
		if !ok {
			w.Header().Set("Allow", allowed)
			writeProblem(w, r, newProblem(CodeMethod, ""))
			return
		}
		h(w, r)
	}
}

// actorKey is the context key of the request's Actor.
type actorKey struct{}

// authenticated runs inside the Authenticator's guard: it resolves the
// actor, and for a state-changing request caps the body and checks the
// CSRF token before any handler reads the body.
func (a *api) authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, ok := a.auth.ActorOf(r)
		if !ok || actor.TechID == "" {
			writeProblem(w, r, newProblem(CodeUnauthenticated, "log in with Vnconnect first"))
			return
		}
		if !safeMethod(r.Method) {
			limit := a.maxBody
			if r.URL.Path == "/change-form" {
				limit = a.maxForm
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if err := a.auth.VerifyCSRF(r); err != nil {
				writeProblem(w, r, newProblem(CodeCSRF, "send the session's token in the X-CSRF-Token header"))
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), actorKey{}, actor)))
	})
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// actorOf returns the actor the router put in the context.
func actorOf(r *http.Request) Actor {
	a, _ := r.Context().Value(actorKey{}).(Actor)
	return a
}

// writeJSON sends v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
