package main

import (
	"crypto/x509"
	"net/http"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/agency"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/changeimport"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/platform"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac/changeform"
)

// mountAgency adds, on the portal's quantri-like console, the agency
// registration by certificate with the operator's approval
// ("Đăng ký quản trị cấp cao", "Phê duyệt đăng ký quản trị"), the
// SIMULATED signing plugin under /dev/plugin-ky-so/ (demo only: it holds
// the demo agencies' keys from the test PKI), and the import of the
// provinces' change form ("Nhập phiếu thay đổi").
func mountAgency(mux *http.ServeMux, env appEnv) ([]ui.Link, error) {
	if env.Kind != kindPortal {
		return nil, nil
	}
	p := env.Platform
	screens, err := agency.New(agency.Config{
		RBAC:         p.RBAC,
		Challenger:   p.Challenger,
		Pending:      p.NonceStore(agencyPendingPurpose),
		Frame:        env.Frame,
		VerifyCSRF:   env.Auth.VerifyCSRF,
		RequireLogin: env.Auth.RequireLogin,
	})
	if err != nil {
		return nil, err
	}
	screens.Mount(mux)

	signers := make([]agency.Signer, 0, len(p.Pop.Agencies))
	for _, a := range p.Pop.Agencies {
		signers = append(signers, agency.Signer{Cert: a.Cert, Intermediates: agencyIntermediates(a), Key: a.Key})
	}
	plugin, err := agency.NewPlugin(agency.PluginConfig{
		Signers:      signers,
		VerifyCSRF:   env.Auth.VerifyCSRF,
		RequireLogin: env.Auth.RequireLogin,
	})
	if err != nil {
		return nil, err
	}
	plugin.Mount(mux)

	im, err := changeform.New(changeform.Config{Service: p.RBAC, Directory: p.Directory})
	if err != nil {
		return nil, err
	}
	ci, err := changeimport.New(changeimport.Config{
		RBAC:         p.RBAC,
		Importer:     im,
		Frame:        env.Frame,
		VerifyCSRF:   env.Auth.VerifyCSRF,
		RequireLogin: env.Auth.RequireLogin,
	})
	if err != nil {
		return nil, err
	}
	ci.Mount(mux)
	return append(screens.Links(), ci.Links()...), nil
}

// agencyIntermediates is the agency's chain without its leaf and its
// root: what a plugin puts in the CMS beside the signer.
func agencyIntermediates(a platform.Agency) []*x509.Certificate {
	var out []*x509.Certificate
	for i, c := range a.Chain {
		if i == 0 || c.Equal(a.Cert) || (i == len(a.Chain)-1 && len(a.Chain) > 1 && c.CheckSignatureFrom(c) == nil) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// agencyPendingPurpose names the store of the registrations verified but
// not yet confirmed: the platform's single-use store for it is in Redis
// with -redis, so that "Đăng ký" may reach another replica (or process)
// than the one that verified the signature.
const agencyPendingPurpose = "agency-pending"
