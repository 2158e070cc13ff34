package agency

import (
	"bytes"
	"crypto"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/smallstep/pkcs7"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/pki"
)

// THE SIMULATED SIGNING PLUGIN — DEMO ONLY.
//
// In production the agency's representative plugs in the USB token issued
// by Ban Cơ yếu Chính phủ; the VGCA token software runs a local signing
// service that the registration page's script calls, which asks for the
// PIN and signs with the key that never leaves the token. This demo has
// no token and no such service, so Plugin stands in for it: it is mounted
// under PluginPrefix (/dev/plugin-ky-so/) of the demo portal, holds the
// demo agencies' private keys issued by the demo's test PKI, and signs the
// challenge as a detached CMS SignedData — the form Vietnamese plugins
// return — then shows a plain form that posts the answer back. A real
// deployment has nothing like it: never mount it outside the demo.

// PluginPrefix is the simulated plugin's path.
const PluginPrefix = "/dev/plugin-ky-so"

// DemoPIN is the simulated tokens' PIN, printed on the plugin's page.
const DemoPIN = "123456"

// signingInputVersion is the first line of a pki challenge's signing
// input (pki.Challenge.SigningInput).
const signingInputVersion = "rpkit-challenge-v1"

// signingInputKeys are the lines after it, in pki.Challenge.SigningInput's
// order: the simulated plugin signs nothing but exactly these lines.
var signingInputKeys = []string{"id", "purpose", "audience", "nonce", "issued", "expires"}

// maxSigningInput bounds what the plugin accepts to sign.
const maxSigningInput = 2048

// Signer is a certificate with its key on the simulated token.
type Signer struct {
	Cert          *x509.Certificate
	Intermediates []*x509.Certificate // sent in the CMS beside the signer
	Key           crypto.Signer
}

// PluginConfig configures the simulated plugin. Signers and VerifyCSRF
// are required.
type PluginConfig struct {
	Signers []Signer
	// PIN is the tokens' PIN (default DemoPIN).
	PIN string
	// AnswerPath is where "Gửi kết quả ký" posts (default PathAnswer).
	AnswerPath string
	// Purposes are the challenge purposes the plugin signs (default:
	// Purpose, the registration's). A challenge of any other purpose —
	// a certificate login, say — is refused, as is any other text.
	Purposes []string
	// VerifyCSRF checks the portal's CSRF token, which the portal's form
	// hands to the plugin and the plugin's form hands back: the demo's
	// keys sign only for a logged-in session of the demo, never for
	// another site's form.
	VerifyCSRF   func(*http.Request) error
	RequireLogin func(http.Handler) http.Handler // default: none
	Logger       *slog.Logger
}

// Plugin is the simulated signing plugin.
type Plugin struct {
	cfg PluginConfig
	tpl *template.Template
}

// NewPlugin checks cfg.
func NewPlugin(cfg PluginConfig) (*Plugin, error) {
	if len(cfg.Signers) == 0 || cfg.VerifyCSRF == nil {
		return nil, errors.New("agency: the simulated plugin needs Signers and VerifyCSRF")
	}
	for _, s := range cfg.Signers {
		if s.Cert == nil || s.Key == nil {
			return nil, errors.New("agency: a simulated plugin signer lacks its certificate or key")
		}
	}
	if cfg.PIN == "" {
		cfg.PIN = DemoPIN
	}
	if cfg.AnswerPath == "" {
		cfg.AnswerPath = PathAnswer
	}
	if len(cfg.Purposes) == 0 {
		cfg.Purposes = []string{Purpose}
	}
	if cfg.RequireLogin == nil {
		cfg.RequireLogin = func(h http.Handler) http.Handler { return h }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Plugin{cfg: cfg, tpl: ui.Templates(pluginSrc)}, nil
}

// Mount adds the plugin's routes to mux.
func (p *Plugin) Mount(mux *http.ServeMux) {
	mux.Handle("POST "+PluginPrefix+"/chon-chung-thu", p.cfg.RequireLogin(http.HandlerFunc(p.choose)))
	mux.Handle("POST "+PluginPrefix+"/ky", p.cfg.RequireLogin(http.HandlerFunc(p.sign)))
}

type certRow struct {
	Index                                int
	Name, Code, MST, Serial, Issuer, End string
}

type pluginData struct {
	ChallengeID, Input, InputB64, CSRF, PIN string
	Certs                                   []certRow
	// after signing
	Signed     *certRow
	CMS        string
	AnswerPath string
}

// pluginPage is the plugin's frame: its own window, not the portal's.
func (p *Plugin) page(title string, d pluginData) ui.Page {
	return ui.Page{App: "Trình ký số (mô phỏng – chỉ có trong bản demo)", Title: title, Data: d}
}

// read parses the form the portal (or the chooser) posted: the challenge
// ID, the bytes to sign and the portal's CSRF token.
func (p *Plugin) read(w http.ResponseWriter, r *http.Request) (pluginData, []byte, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		p.fail(w, http.StatusRequestEntityTooLarge, "Dữ liệu cần ký quá lớn hoặc không đọc được.")
		return pluginData{}, nil, false
	}
	if err := p.cfg.VerifyCSRF(r); err != nil {
		p.fail(w, http.StatusForbidden, msgCSRF)
		return pluginData{}, nil, false
	}
	d := pluginData{ChallengeID: r.PostFormValue("ma"), InputB64: r.PostFormValue("du-lieu"), CSRF: r.PostFormValue("csrf"), PIN: p.cfg.PIN}
	in, err := base64.StdEncoding.DecodeString(d.InputB64)
	if err != nil || len(in) > maxSigningInput || len(d.ChallengeID) == 0 || len(d.ChallengeID) > 64 ||
		!isChallengeInput(in, d.ChallengeID, p.cfg.Purposes) {
		p.fail(w, http.StatusBadRequest, "Trình ký số chỉ ký yêu cầu ký số của cổng (rpkit-challenge-v1); dữ liệu nhận được không phải yêu cầu đó.")
		return pluginData{}, nil, false
	}
	d.Input = string(in)
	for i, s := range p.cfg.Signers {
		d.Certs = append(d.Certs, describe(i, s.Cert))
	}
	return d, in, true
}

// isChallengeInput reports whether in is exactly a pki challenge's signing
// input — the version line, then id, purpose, audience, nonce, issued and
// expires, one "key=value" line each, in that order, nothing more — for
// the challenge id and one of purposes. A prefix check alone would let
// the demo's keys sign any text that starts like a challenge.
func isChallengeInput(in []byte, id string, purposes []string) bool {
	if !utf8.Valid(in) || !bytes.HasSuffix(in, []byte("\n")) {
		return false
	}
	lines := strings.Split(string(in[:len(in)-1]), "\n")
	if len(lines) != 1+len(signingInputKeys) || lines[0] != signingInputVersion {
		return false
	}
	vals := map[string]string{}
	for i, k := range signingInputKeys {
		v, ok := strings.CutPrefix(lines[i+1], k+"=")
		if !ok || v == "" || strings.ContainsFunc(v, unicode.IsControl) {
			return false
		}
		vals[k] = v
	}
	for _, k := range []string{"issued", "expires"} {
		if _, err := time.Parse(time.RFC3339, vals[k]); err != nil {
			return false
		}
	}
	if _, err := base64.RawURLEncoding.DecodeString(vals["nonce"]); err != nil {
		return false
	}
	return vals["id"] == id && slices.Contains(purposes, vals["purpose"])
}

// choose shows "Chọn chứng thư số": the certificates on the token.
func (p *Plugin) choose(w http.ResponseWriter, r *http.Request) {
	d, _, ok := p.read(w, r)
	if !ok {
		return
	}
	ui.Render(w, p.tpl, http.StatusOK, "plugin-choose", p.page("Chọn chứng thư số", d))
}

// sign checks the PIN, signs with the chosen certificate's key and shows
// the form that posts the answer back to the portal.
func (p *Plugin) sign(w http.ResponseWriter, r *http.Request) {
	d, in, ok := p.read(w, r)
	if !ok {
		return
	}
	i, err := strconv.Atoi(r.PostFormValue("chung-thu"))
	if err != nil || i < 0 || i >= len(p.cfg.Signers) {
		pg := p.page("Chọn chứng thư số", d)
		pg.Error = "Vui lòng chọn một chứng thư số."
		ui.Render(w, p.tpl, http.StatusBadRequest, "plugin-choose", pg)
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.PostFormValue("pin")), []byte(p.cfg.PIN)) != 1 {
		pg := p.page("Chọn chứng thư số", d)
		pg.Error = "Mã PIN không đúng."
		ui.Render(w, p.tpl, http.StatusForbidden, "plugin-choose", pg)
		return
	}
	s := p.cfg.Signers[i]
	der, err := SignCMS(in, s)
	if err != nil {
		p.cfg.Logger.ErrorContext(r.Context(), "agency: simulated plugin sign", "err", err)
		p.fail(w, http.StatusInternalServerError, "Không ký được bằng chứng thư số đã chọn.")
		return
	}
	row := describe(i, s.Cert)
	d.Signed, d.CMS, d.AnswerPath = &row, base64.StdEncoding.EncodeToString(der), p.cfg.AnswerPath
	ui.Render(w, p.tpl, http.StatusOK, "plugin-signed", p.page("Đã ký số", d))
}

func (p *Plugin) fail(w http.ResponseWriter, status int, msg string) {
	pg := p.page("Không ký được", pluginData{})
	pg.Error = msg
	ui.Render(w, p.tpl, status, "plugin-refused", pg)
}

// SignCMS signs content as a detached CMS SignedData (SHA-256, signed
// attributes, the signer's certificate and intermediates included), as a
// VGCA signing plugin does.
func SignCMS(content []byte, s Signer) ([]byte, error) {
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		return nil, err
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSignerChain(s.Cert, s.Key, s.Intermediates, pkcs7.SignerInfoConfig{}); err != nil {
		return nil, err
	}
	sd.Detach()
	return sd.Finish()
}

// describe is how the plugin lists a certificate.
func describe(i int, c *x509.Certificate) certRow {
	row := certRow{Index: i, Name: c.Subject.CommonName, Serial: hex.EncodeToString(c.SerialNumber.Bytes()),
		Issuer: c.Issuer.CommonName, End: c.NotAfter.Format("02/01/2006")}
	if row.Name == "" && len(c.Subject.Organization) > 0 {
		row.Name = c.Subject.Organization[0]
	}
	if sub, err := pki.SubjectOf(c); err == nil {
		if a, ok := sub.AgencyCode(); ok {
			row.Code = a.String()
		}
		if m, ok := sub.MST(); ok {
			row.MST = m.String()
		}
	}
	return row
}
