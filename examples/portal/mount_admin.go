package main

import (
	"net/http"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/admin"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/sysadmin"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac"
)

// adminPrefix is where each app's user administration lives.
const adminPrefix = "/quan-tri/nguoi-dung"

// adminConfig is the user administration of each app, in the words of its
// screens in the platform's guidance: the quantri-like console's "Quản lý
// người dùng", PAKN's "Quản trị hệ thống" → "Quản trị người dùng" →
// "Thêm mới vnconnect" (group "Nhóm admin đơn vị", status Mở), CSDL's
// "Quản trị hệ thống" → "Người dùng" → "Thêm mới từ vnconnect".
func adminConfig(kind appKind) (admin.Config, bool) {
	switch kind {
	case kindPortal:
		return admin.Config{Subsystem: rbac.SubsystemQuantri, Labels: admin.DefaultLabels(),
			Search: admin.SearchFields{Email: true}}, true
	case kindPAKN:
		return admin.Config{Subsystem: rbac.SubsystemPAKN,
			Labels: admin.Labels{Section: sysadmin.DefaultTitle, SectionURL: sysadmin.DefaultPath, Title: "Quản trị người dùng", Add: "Thêm mới vnconnect",
				Search: "Tìm kiếm", Save: "Lưu", Unit: "Cơ quan quản lý"},
			Search:    admin.SearchFields{Name: true, AccountType: true},
			WithGroup: true, Group: rbac.GroupUnitAdmins}, true
	case kindCSDL:
		return admin.Config{Subsystem: rbac.SubsystemCSDL,
			Labels: admin.Labels{Section: sysadmin.DefaultTitle, SectionURL: sysadmin.DefaultPath, Title: "Người dùng", Add: "Thêm mới từ vnconnect",
				Search: "Tìm kiếm", Save: "Lưu", Unit: "Đơn vị"},
			Search: admin.SearchFields{AccountType: true}}, true
	}
	return admin.Config{}, false
}

// mountAdmin adds the user administration to each of the three apps.
func mountAdmin(mux *http.ServeMux, env appEnv) ([]ui.Link, error) {
	cfg, ok := adminConfig(env.Kind)
	if !ok || env.Platform == nil || env.Platform.RBAC == nil || env.Auth == nil {
		return nil, nil
	}
	cfg.RBAC, cfg.Prefix, cfg.Frame, cfg.Auth = env.Platform.RBAC, adminPrefix, env.Frame, env.Auth
	s, err := admin.New(cfg)
	if err != nil {
		return nil, err
	}
	s.Mount(mux)
	return []ui.Link{s.Link()}, nil
}
