package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/pakn"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/platform"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/migrate"
)

// mountPAKN adds the PAKN screens (feedback cases, "Chuyển đổi tài
// khoản", the legacy login, self-service linking) to the PAKN app.
func mountPAKN(mux *http.ServeMux, env appEnv) ([]ui.Link, error) {
	if env.Kind != kindPAKN || env.Platform == nil {
		return nil, nil
	}
	// The feedback table, its movers and its seed are the platform's
	// (areaData in mounts.go): schema and seed run once per database, not
	// once per instance.
	p := env.Platform
	legacy, err := migrate.NewSQLLegacy(p.Dialect, migrate.LegacyTable{})
	if err != nil {
		return nil, err
	}
	// The legacy login's attempt limits: in Redis with -redis, so that
	// replicas count one person's guesses together.
	users, err := p.Limiter("pakn-legacy-users", migrate.DefaultUserPolicy)
	if err != nil {
		return nil, err
	}
	clients, err := p.Limiter("pakn-legacy-clients", migrate.DefaultClientPolicy)
	if err != nil {
		return nil, err
	}
	s, err := pakn.New(pakn.Config{
		DB: p.DB, Dialect: p.Dialect, RBAC: p.RBAC, Convert: p.Convert,
		Legacy: legacy, Linker: p.Linker, LegacyUsers: users, LegacyClients: clients,
		Auth: env.Auth, Frame: env.Frame,
	})
	if err != nil {
		return nil, err
	}
	return s.Mount(mux), nil
}

// seedPAKN loads the demo's feedback cases: those the legacy accounts
// handle (they move to the heirs when converted), Outgoing's (they move to
// Incoming), and a new one nobody has taken yet. Every case has a stable
// ref, so running it again adds nothing. It is a platform.Config.AppSeed.
func seedPAKN(ctx context.Context, p *platform.Platform) error {
	return pakn.Seed(ctx, p.DB, p.Dialect, paknSeedCases(p.Pop))
}

// paknSeedTitles are the seeded cases' (invented) subjects, for a
// department of justice.
var paknSeedTitles = []string{
	"Đề nghị hướng dẫn thủ tục cấp phiếu lý lịch tư pháp",
	"Phản ánh chậm trả kết quả chứng thực bản sao",
	"Kiến nghị bổ sung mẫu tờ khai đăng ký khai sinh trực tuyến",
	"Phản ánh phí công chứng hợp đồng chưa niêm yết công khai",
	"Đề nghị giải thích quy định về trợ giúp pháp lý miễn phí",
	"Kiến nghị kéo dài giờ tiếp nhận hồ sơ ngày thứ Bảy",
	"Phản ánh cổng dịch vụ công báo lỗi khi nộp hồ sơ đăng ký kết hôn",
	"Đề nghị cho nhận kết quả thủ tục hành chính qua bưu điện",
	"Phản ánh niêm yết thủ tục hành chính chưa cập nhật",
	"Kiến nghị đơn giản hóa hồ sơ đăng ký thường trú",
}

func paknSeedCases(pop *platform.Population) []pakn.Case {
	if pop == nil || len(pop.Citizens) == 0 {
		return nil
	}
	var out []pakn.Case
	n := 0
	add := func(ref, owner string) {
		c := pop.Citizens[n%len(pop.Citizens)]
		out = append(out, pakn.Case{Ref: ref, Citizen: c.TechID, CitizenName: c.Name, Title: paknSeedTitles[n%len(paknSeedTitles)],
			Content: "Nội dung phản ánh, kiến nghị (dữ liệu mẫu, không có thật).", Unit: pop.Department, Owner: owner})
		n++
	}
	for i, l := range pop.Legacy {
		for j := range 3 - i%2 {
			add(fmt.Sprintf("seed-legacy-%s-%d", l.Username, j+1), l.Username)
		}
	}
	if pop.Outgoing.TechID != "" {
		for j := range 2 {
			add(fmt.Sprintf("seed-outgoing-%d", j+1), pop.Outgoing.TechID)
		}
	}
	add("seed-new-1", "")
	return out
}
