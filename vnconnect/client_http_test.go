package vnconnect_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

func bearer(at string, extra map[string]any) map[string]any {
	m := map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": 3600}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func TestClientAuthBasicEncodesPerRFC6749(t *testing.T) {
	p := newStubProvider(t)
	p.token = jsonReply(200, bearer("at-2", nil))
	const id, secret = "rp 1:ứng dụng", "p@ss:w%rd+/ é&="
	c := p.client(t, func(cfg *vnconnect.Config) {
		cfg.ClientID, cfg.ClientSecret, cfg.AuthStyle = id, secret, vnconnect.AuthStyleBasic
	})
	// Refresh without id_token in the answer exercises the token call
	// alone; the old ID token is needed only as the session's anchor.
	old := &vnconnect.Tokens{AccessToken: "at-1", RefreshToken: "rt-1", IDToken: &vnconnect.IDToken{Subject: "s"}}
	if _, err := c.Refresh(t.Context(), old); err != nil {
		t.Fatal(err)
	}
	auth := p.lastReq.Header.Get("Authorization")
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(auth, "Basic "))
	if err != nil {
		t.Fatalf("Authorization = %q", auth)
	}
	wantRaw := url.QueryEscape(id) + ":" + url.QueryEscape(secret)
	if string(raw) != wantRaw {
		t.Fatalf("Basic credentials %q, want %q", raw, wantRaw)
	}
	// The server side of RFC 6749 §2.3.1 reverses it exactly.
	user, pass, _ := strings.Cut(string(raw), ":")
	if u, _ := url.QueryUnescape(user); u != id {
		t.Fatalf("client id round-trips to %q", u)
	}
	if s, _ := url.QueryUnescape(pass); s != secret {
		t.Fatalf("secret round-trips to %q", s)
	}
	if _, ok := p.lastForm["client_secret"]; ok {
		t.Fatal("secret also sent in the body")
	}
}

func TestClientAuthPostIsDefault(t *testing.T) {
	p := newStubProvider(t)
	p.token = jsonReply(200, bearer("at-2", nil))
	c := p.client(t, nil)
	old := &vnconnect.Tokens{AccessToken: "at-1", RefreshToken: "rt-1", IDToken: &vnconnect.IDToken{Subject: "s"}}
	if _, err := c.Refresh(t.Context(), old); err != nil {
		t.Fatal(err)
	}
	f := url.Values(p.lastForm)
	if f.Get("client_id") != "rp-1" || f.Get("client_secret") != "s3cret" || f.Get("grant_type") != "refresh_token" || f.Get("refresh_token") != "rt-1" {
		t.Fatalf("form = %v", f)
	}
	if p.lastReq.Header.Get("Authorization") != "" {
		t.Fatal("Authorization header sent with client_secret_post")
	}
}

func TestTokenResponseChecks(t *testing.T) {
	tests := []struct {
		name    string
		reply   func(http.ResponseWriter, *http.Request)
		wantErr error
		wantRE  *vnconnect.RetrieveError
	}{
		{"token_type lower case ok", jsonReply(200, map[string]any{"access_token": "a", "token_type": "bearer"}), nil, nil},
		{"token_type MAC", jsonReply(200, map[string]any{"access_token": "a", "token_type": "mac"}), vnconnect.ErrInvalidResponse, nil},
		{"token_type DPoP", jsonReply(200, map[string]any{"access_token": "a", "token_type": "DPoP"}), vnconnect.ErrInvalidResponse, nil},
		{"token_type missing", jsonReply(200, map[string]any{"access_token": "a"}), vnconnect.ErrInvalidResponse, nil},
		{"no access token", jsonReply(200, map[string]any{"token_type": "Bearer"}), vnconnect.ErrInvalidResponse, nil},
		{"not json", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>")) }, vnconnect.ErrInvalidResponse, nil},
		{"oauth error", jsonReply(400, map[string]any{"error": "invalid_grant", "error_description": "Invalid refresh token"}), nil,
			&vnconnect.RetrieveError{StatusCode: 400, ErrorCode: "invalid_grant", ErrorDescription: "Invalid refresh token"}},
		{"error with 200", jsonReply(200, map[string]any{"error": "server_error"}), nil,
			&vnconnect.RetrieveError{StatusCode: 200, ErrorCode: "server_error"}},
		{"proxy 502", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(502)
			_, _ = w.Write([]byte(strings.Repeat("<h1>Bad Gateway</h1>", 1000)))
		}, nil, &vnconnect.RetrieveError{StatusCode: 502}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newStubProvider(t)
			p.token = tt.reply
			c := p.client(t, nil)
			old := &vnconnect.Tokens{AccessToken: "at-1", RefreshToken: "rt-1", IDToken: &vnconnect.IDToken{Subject: "s"}}
			_, err := c.Refresh(t.Context(), old)
			if tt.wantRE != nil {
				var re *vnconnect.RetrieveError
				if !errors.As(err, &re) {
					t.Fatalf("err = %v, want *RetrieveError", err)
				}
				if re.StatusCode != tt.wantRE.StatusCode || re.ErrorCode != tt.wantRE.ErrorCode || re.ErrorDescription != tt.wantRE.ErrorDescription {
					t.Fatalf("RetrieveError = %+v", re)
				}
				if len(re.Body) > 4096 {
					t.Fatalf("Body not capped: %d bytes", len(re.Body))
				}
				if re.Endpoint != "token" {
					t.Fatalf("Endpoint = %q", re.Endpoint)
				}
				return
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestExchange(t *testing.T) {
	p := newStubProvider(t)
	c := p.client(t, nil)
	req, err := c.AuthCodeURL()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("missing id_token", func(t *testing.T) {
		p.token = jsonReply(200, bearer("at-1", nil))
		if _, err := c.Exchange(t.Context(), "code-1", req); !errors.Is(err, vnconnect.ErrInvalidResponse) {
			t.Fatalf("err = %v", err)
		}
		f := url.Values(p.lastForm)
		if f.Get("grant_type") != "authorization_code" || f.Get("code") != "code-1" ||
			f.Get("code_verifier") != req.CodeVerifier || f.Get("redirect_uri") != "https://rp.example.vn/callback" {
			t.Fatalf("form = %v", f)
		}
	})
	t.Run("ok", func(t *testing.T) {
		p.token = jsonReply(200, bearer("at-1", map[string]any{"id_token": p.idTokenFor(t, req.Nonce, "at-1", nil), "refresh_token": "rt-1", "scope": "openid"}))
		tok, err := c.Exchange(t.Context(), "code-1", req)
		if err != nil {
			t.Fatal(err)
		}
		if tok.AccessToken != "at-1" || tok.RefreshToken != "rt-1" || tok.TokenType != "Bearer" || tok.Scope != "openid" ||
			!tok.Expiry.Equal(fixedNow.Add(time.Hour)) || tok.IDToken == nil || tok.IDToken.Subject != "nguyenvana@carbon.super" {
			t.Fatalf("tokens = %+v", tok)
		}
		if !tok.Valid(fixedNow) || tok.Valid(fixedNow.Add(2*time.Hour)) {
			t.Fatal("Valid() disagrees with Expiry")
		}
	})
	t.Run("no at_hash accepted", func(t *testing.T) {
		p.token = jsonReply(200, bearer("at-1", map[string]any{"id_token": p.idTokenFor(t, req.Nonce, "", nil)}))
		if _, err := c.Exchange(t.Context(), "code-1", req); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("at_hash of another token", func(t *testing.T) {
		p.token = jsonReply(200, bearer("at-1", map[string]any{"id_token": p.idTokenFor(t, req.Nonce, "at-OTHER", nil)}))
		if _, err := c.Exchange(t.Context(), "code-1", req); !errors.Is(err, vnconnect.ErrAtHashMismatch) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("wrong nonce", func(t *testing.T) {
		p.token = jsonReply(200, bearer("at-1", map[string]any{"id_token": p.idTokenFor(t, "other", "at-1", nil)}))
		if _, err := c.Exchange(t.Context(), "code-1", req); !errors.Is(err, vnconnect.ErrNonceMismatch) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("per-request LoA enforced", func(t *testing.T) {
		req3, err := c.AuthCodeURL(vnconnect.WithLoA("LoA3"))
		if err != nil {
			t.Fatal(err)
		}
		p.token = jsonReply(200, bearer("at-1", map[string]any{"id_token": p.idTokenFor(t, req3.Nonce, "at-1", nil)})) // acr LoA2
		if _, err := c.Exchange(t.Context(), "code-1", req3); !errors.Is(err, vnconnect.ErrInsufficientLoA) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("per-request max_age enforced", func(t *testing.T) {
		reqM, err := c.AuthCodeURL(vnconnect.WithMaxAge(5 * time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		old := func(m map[string]any) { m["auth_time"] = fixedNow.Add(-time.Hour).Unix() }
		p.token = jsonReply(200, bearer("at-1", map[string]any{"id_token": p.idTokenFor(t, reqM.Nonce, "at-1", old)}))
		if _, err := c.Exchange(t.Context(), "code-1", reqM); !errors.Is(err, vnconnect.ErrAuthTooOld) {
			t.Fatalf("err = %v", err)
		}
		p.token = jsonReply(200, bearer("at-1", map[string]any{"id_token": p.idTokenFor(t, reqM.Nonce, "at-1", nil)}))
		if _, err := c.Exchange(t.Context(), "code-1", reqM); !errors.Is(err, vnconnect.ErrMissingClaim) {
			t.Fatalf("no auth_time: err = %v", err)
		}
	})
	t.Run("needs the AuthRequest", func(t *testing.T) {
		if _, err := c.Exchange(t.Context(), "code-1", nil); err == nil {
			t.Fatal("nil AuthRequest accepted")
		}
		if _, err := c.Exchange(t.Context(), "", req); err == nil {
			t.Fatal("empty code accepted")
		}
	})
}

func TestTokenResponseTooLarge(t *testing.T) {
	p := newStubProvider(t)
	p.token = jsonReply(200, bearer(strings.Repeat("a", 5000), nil))
	c := p.client(t, func(cfg *vnconnect.Config) { cfg.MaxResponseBytes = 1024 })
	old := &vnconnect.Tokens{AccessToken: "at-1", RefreshToken: "rt-1", IDToken: &vnconnect.IDToken{Subject: "s"}}
	if _, err := c.Refresh(t.Context(), old); !errors.Is(err, vnconnect.ErrResponseTooLarge) {
		t.Fatalf("err = %v", err)
	}
}

func TestTokenRedirectToOtherHostRefused(t *testing.T) {
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("token request followed a redirect to another host")
	}))
	defer thief.Close()
	p := newStubProvider(t)
	p.token = func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, thief.URL+"/oauth2/token", http.StatusTemporaryRedirect)
	}
	c := p.client(t, nil)
	old := &vnconnect.Tokens{AccessToken: "at-1", RefreshToken: "rt-1", IDToken: &vnconnect.IDToken{Subject: "s"}}
	if _, err := c.Refresh(t.Context(), old); err == nil {
		t.Fatal("redirected token request succeeded")
	}
}

func TestRefresh(t *testing.T) {
	p := newStubProvider(t)
	c := p.client(t, nil)
	old := p.verifiedTokens(t, c)

	t.Run("keeps id token and refresh token when absent", func(t *testing.T) {
		p.token = jsonReply(200, bearer("at-2", nil))
		nt, err := c.Refresh(t.Context(), old)
		if err != nil {
			t.Fatal(err)
		}
		if nt.AccessToken != "at-2" || nt.RefreshToken != "rt-1" || nt.IDToken != old.IDToken || nt.RawIDToken != old.RawIDToken {
			t.Fatalf("tokens = %+v", nt)
		}
	})
	t.Run("new id token verified, same subject", func(t *testing.T) {
		raw := p.idTokenFor(t, "", "at-2", func(m map[string]any) { delete(m, "nonce") })
		p.token = jsonReply(200, bearer("at-2", map[string]any{"id_token": raw, "refresh_token": "rt-2"}))
		nt, err := c.Refresh(t.Context(), old)
		if err != nil {
			t.Fatal(err)
		}
		if nt.RefreshToken != "rt-2" || nt.RawIDToken != raw || nt.IDToken.Subject != old.IDToken.Subject {
			t.Fatalf("tokens = %+v", nt)
		}
	})
	t.Run("other subject", func(t *testing.T) {
		raw := p.idTokenFor(t, "", "", func(m map[string]any) { delete(m, "nonce"); m["sub"] = "someone-else" })
		p.token = jsonReply(200, bearer("at-2", map[string]any{"id_token": raw}))
		if _, err := c.Refresh(t.Context(), old); !errors.Is(err, vnconnect.ErrSubjectMismatch) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("other audience", func(t *testing.T) {
		raw := p.idTokenFor(t, "", "", func(m map[string]any) { delete(m, "nonce"); m["aud"] = []string{"rp-1", "rp-2"} })
		p.token = jsonReply(200, bearer("at-2", map[string]any{"id_token": raw}))
		if _, err := c.Refresh(t.Context(), old); !errors.Is(err, vnconnect.ErrAudienceMismatch) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("expired new id token", func(t *testing.T) {
		raw := p.idTokenFor(t, "", "", func(m map[string]any) { delete(m, "nonce"); m["exp"] = fixedNow.Add(-time.Hour).Unix() })
		p.token = jsonReply(200, bearer("at-2", map[string]any{"id_token": raw}))
		if _, err := c.Refresh(t.Context(), old); !errors.Is(err, vnconnect.ErrTokenExpired) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("needs a refresh token", func(t *testing.T) {
		if _, err := c.Refresh(t.Context(), &vnconnect.Tokens{IDToken: old.IDToken}); err == nil {
			t.Fatal("accepted")
		}
	})
}

func TestUserInfo(t *testing.T) {
	p := newStubProvider(t)
	claims := map[string]any{"sub": "nguyenvana@carbon.super", "HoVaTen": "Nguyễn Văn A", "LoaiTaiKhoan": 1}

	t.Run("GET with bearer header", func(t *testing.T) {
		c := p.client(t, nil)
		tok := p.verifiedTokens(t, c)
		p.userinfo = jsonReply(200, claims)
		id, err := c.UserInfo(t.Context(), tok)
		if err != nil {
			t.Fatal(err)
		}
		if id.Subject != "nguyenvana@carbon.super" || id.FullName != "Nguyễn Văn A" {
			t.Fatalf("identity = %+v", id)
		}
		if p.lastReq.Method != http.MethodGet || p.lastReq.Header.Get("Authorization") != "Bearer at-1" || p.lastReq.URL.RawQuery != "" {
			t.Fatalf("request: %s %s %q", p.lastReq.Method, p.lastReq.URL, p.lastReq.Header.Get("Authorization"))
		}
	})
	t.Run("POST", func(t *testing.T) {
		c := p.client(t, func(cfg *vnconnect.Config) { cfg.UserInfoMethod = vnconnect.UserInfoPOST })
		tok := p.verifiedTokens(t, c)
		p.userinfo = jsonReply(200, claims)
		if _, err := c.UserInfo(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
		if p.lastReq.Method != http.MethodPost || p.lastReq.Header.Get("Authorization") != "Bearer at-1" {
			t.Fatalf("request: %s %q", p.lastReq.Method, p.lastReq.Header.Get("Authorization"))
		}
	})

	c := p.client(t, nil)
	tok := p.verifiedTokens(t, c)
	t.Run("sub mismatch", func(t *testing.T) {
		p.userinfo = jsonReply(200, map[string]any{"sub": "tranthib@carbon.super"})
		_, err := c.UserInfo(t.Context(), tok)
		if !errors.Is(err, vnconnect.ErrSubjectMismatch) {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(err.Error(), "tranthib") {
			t.Fatalf("error quotes the unverified subject: %v", err)
		}
	})
	t.Run("expired access token", func(t *testing.T) {
		p.userinfo = func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="Access token validation failed"`)
			w.WriteHeader(401)
		}
		var re *vnconnect.RetrieveError
		if _, err := c.UserInfo(t.Context(), tok); !errors.As(err, &re) || re.StatusCode != 401 || re.ErrorCode != "invalid_token" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		p.userinfo = jsonReply(200, map[string]any{"sub": tok.IDToken.Subject, "DiaChi": strings.Repeat("x", 2<<20)})
		if _, err := c.UserInfo(t.Context(), tok); !errors.Is(err, vnconnect.ErrResponseTooLarge) {
			t.Fatalf("err = %v", err)
		}
	})
	jwtReply := func(raw string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/jwt; charset=UTF-8")
			_, _ = w.Write([]byte(raw))
		}
	}
	t.Run("signed JWT verified", func(t *testing.T) {
		p.userinfo = jwtReply(signClaims(t, map[string]any{"sub": tok.IDToken.Subject, "iss": p.URL + "/oauth2/token", "aud": "rp-1", "HoVaTen": "Nguyễn Văn A"}))
		id, err := c.UserInfo(t.Context(), tok)
		if err != nil || id.FullName != "Nguyễn Văn A" {
			t.Fatalf("%+v %v", id, err)
		}
	})
	t.Run("signed JWT wrong audience", func(t *testing.T) {
		p.userinfo = jwtReply(signClaims(t, map[string]any{"sub": tok.IDToken.Subject, "aud": "rp-2"}))
		if _, err := c.UserInfo(t.Context(), tok); !errors.Is(err, vnconnect.ErrAudienceMismatch) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unsigned JWT refused", func(t *testing.T) {
		hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`))
		body, _ := json.Marshal(map[string]any{"sub": tok.IDToken.Subject})
		p.userinfo = jwtReply(hdr + "." + base64.RawURLEncoding.EncodeToString(body) + ".")
		if _, err := c.UserInfo(t.Context(), tok); !errors.Is(err, vnconnect.ErrAlgorithmNotAllowed) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("HS256 JWT refused", func(t *testing.T) {
		body, _ := json.Marshal(map[string]any{"sub": tok.IDToken.Subject})
		raw, err := jws.Sign(body, jws.WithKey(jwa.HS256, []byte("shared-secret-shared-secret-1234")))
		if err != nil {
			t.Fatal(err)
		}
		p.userinfo = jwtReply(string(raw))
		if _, err := c.UserInfo(t.Context(), tok); !errors.Is(err, vnconnect.ErrAlgorithmNotAllowed) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("needs verified tokens", func(t *testing.T) {
		if _, err := c.UserInfo(t.Context(), &vnconnect.Tokens{AccessToken: "x"}); err == nil {
			t.Fatal("accepted tokens without an ID token")
		}
	})
}

func TestRevokeSendsHintAndCredentials(t *testing.T) {
	p := newStubProvider(t)
	c := p.client(t, nil)
	if err := c.Revoke(t.Context(), "rt-1", vnconnect.HintRefreshToken); err != nil {
		t.Fatal(err)
	}
	f := url.Values(p.lastForm)
	if f.Get("token") != "rt-1" || f.Get("token_type_hint") != "refresh_token" || f.Get("client_id") != "rp-1" || f.Get("client_secret") != "s3cret" {
		t.Fatalf("form = %v", f)
	}
	if err := c.Revoke(t.Context(), "", ""); err == nil {
		t.Fatal("empty token accepted")
	}
}
