package vnconnecttest

import "net/http"

// Discovery returns the OpenID Provider metadata the fake serves at
// PathDiscovery, shaped like WSO2's.
func (s *Server) Discovery() map[string]any {
	b := s.base
	return map[string]any{
		"issuer":                                        s.Issuer(),
		"authorization_endpoint":                        b + PathAuthorize,
		"token_endpoint":                                b + PathToken,
		"userinfo_endpoint":                             b + PathUserInfo,
		"jwks_uri":                                      b + PathJWKS,
		"revocation_endpoint":                           b + PathRevoke,
		"introspection_endpoint":                        b + PathIntrospect,
		"end_session_endpoint":                          b + PathLogout,
		"response_types_supported":                      []string{"code"},
		"response_modes_supported":                      []string{"query"},
		"grant_types_supported":                         []string{"authorization_code", "refresh_token"},
		"subject_types_supported":                       []string{"public"},
		"id_token_signing_alg_values_supported":         []string{"RS256"},
		"scopes_supported":                              []string{"openid", "profile", "email", "phone", "address"},
		"token_endpoint_auth_methods_supported":         []string{"client_secret_post", "client_secret_basic"},
		"revocation_endpoint_auth_methods_supported":    []string{"client_secret_post", "client_secret_basic"},
		"introspection_endpoint_auth_methods_supported": []string{"client_secret_post", "client_secret_basic"},
		"code_challenge_methods_supported":              []string{"S256"},
		"acr_values_supported":                          []string{"LoA1", "LoA2", "LoA3", "LoA4"},
		"claims_supported": []string{"sub", "iss", "aud", "azp", "exp", "iat", "auth_time", "nonce", "acr", "at_hash", "sid",
			"TechID", "LoaiTaiKhoan", "loAs", "TrangThai", "SoDinhDanh", "SoCMND", "HoChieu", "MaBHXH", "HoVaTen",
			"NgayThangNamSinh", "GioiTinh", "ThuDienTu", "SoDienThoai", "DiaChi", "MaSoThue", "MaSoDoanhNghiep",
			"TenDoanhNghiep", "MaDinhDanhCoQuan"},
		"userinfo_signing_alg_values_supported": []string{"none"},
		"backchannel_logout_supported":          true,
		"backchannel_logout_session_supported":  true,
		"frontchannel_logout_supported":         true,
		"frontchannel_logout_session_supported": true,
		"request_parameter_supported":           false,
		"request_uri_parameter_supported":       false,
	}
}

func (s *Server) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD")
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, s.Discovery())
}
