// Command portal is rpkit's demo: a development Vnconnect and three
// relying-party apps on loopback, with nothing to install.
//
//	go run ./examples/portal
//
// It starts a development Vnconnect (vnconnecttest) serving a seeded, fake
// population (the platform operator, ministries and provinces with their
// departments, districts and communes, their agencies' test certificates,
// their staff, citizens, legacy PAKN accounts), and three relying-party
// apps built on vnconnect/web over one SQLite database: the portal with
// its quantri-like console, a PAKN-like feedback app and a CSDL-like
// procedures database. The banner prints the URLs and whom to log in as
// for each step of the walk-through. Log in on one app, open another: it
// signs you in without asking (single sign-on). "Đăng xuất" on any ends
// the session everywhere (single logout, through Vnconnect's back-channel
// logout).
//
//	go run ./examples/portal -postgres postgres://user@host/db
//
// keeps the rights and the apps' data in PostgreSQL instead (in a fresh
// schema, dropped at exit).
//
//	go run ./examples/portal -redis 127.0.0.1:6379 -replicas 3
//
// keeps the apps' sessions, pending logins, replay caches, certificate
// challenges, agency registrations awaiting confirmation and
// password-attempt limits (legacy login, self-service linking) in Redis
// (under a fresh key prefix each run) and runs each app three times behind
// a round-robin proxy on its usual address: every request of a login lands
// on another replica, and it works because the state is shared. With
// -postgres too, every replica has its own platform, as separate
// processes would: its own pool on the same database, its own Redis
// clients, nothing shared in memory.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/agency"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/platform"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

// started tells a caller (the end-to-end test) where the servers listen.
type started struct {
	PortalURL, PAKNURL, CSDLURL, VnconnectURL string
	Fake                                      *vnconnecttest.Server
	Pop                                       *platform.Population
	Platform                                  *platform.Platform // the first instance's
	// Replicas are the other replicas' own platforms (with -postgres and
	// -replicas: one per replica after the first, as separate processes
	// would have); nil otherwise.
	Replicas []*platform.Platform
	Mode     string // the banner's mode line
	// Served reports, for an app's public URL, how many requests the
	// round-robin proxy sent to each replica; nil without -replicas.
	Served func(appURL string) []int64
}

// rp is one relying-party app of the demo and its registration.
type rp struct {
	id, title string
	kind      appKind
	ln        net.Listener // the public address: the app, or its proxy
	url       string
	replicas  []string    // the replicas' own URLs, behind the proxy
	lb        *roundRobin // nil when the app runs once
}

// maxReplicas keeps a typo from opening a thousand listeners.
const maxReplicas = 16

// run starts the dev Vnconnect and the three relying-party apps, and
// serves until ctx ends.
func run(ctx context.Context, args []string, out io.Writer, ready func(started)) error {
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(out)
	addr := fs.String("addr", "127.0.0.1:8080", "portal listen address")
	paknAddr := fs.String("pakn-addr", "127.0.0.1:8081", "PAKN-like app listen address")
	csdlAddr := fs.String("csdl-addr", "127.0.0.1:8082", "CSDL-like app listen address")
	idpAddr := fs.String("vnconnect-addr", "127.0.0.1:8090", "dev Vnconnect listen address")
	pgDSN := fs.String("postgres", "", "keep rights and app data in the PostgreSQL at `DSN` (a fresh schema, dropped at exit) instead of a temporary SQLite file")
	dataDir := fs.String("data", "", "keep the SQLite database in `DIR` (reused, and seeded only once) instead of a temporary directory")
	redisAddr := fs.String("redis", "", "keep sessions, pending logins, replay caches, challenges and password-attempt limits in the Redis at `ADDR` (host:port) instead of memory")
	replicas := fs.Int("replicas", 1, "run each app `N` times behind a round-robin proxy on its address (needs -redis)")
	verbose := fs.Bool("v", false, "log protocol failures to stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *replicas < 1 || *replicas > maxReplicas:
		return fmt.Errorf("-replicas must be between 1 and %d", maxReplicas)
	case *replicas > 1 && *redisAddr == "":
		// In-memory stores are per process: a login started on one
		// replica would be unknown to the next one.
		return errors.New("-replicas needs -redis ADDR: the replicas share sessions and pending logins through Redis")
	case *pgDSN != "" && *dataDir != "":
		return errors.New("-data is for SQLite; with -postgres the data is in PostgreSQL")
	}
	logger := slog.New(slog.DiscardHandler)
	if *verbose {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}

	var backend *redisBackend
	mode := "in-memory sessions, one instance per app"
	if *redisAddr != "" {
		var err error
		if backend, err = newRedisBackend(ctx, *redisAddr); err != nil {
			return err
		}
		defer func() {
			cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			backend.Close(cctx)
		}()
		mode = fmt.Sprintf("Redis at %s (key prefix %s), ", backend.addr, backend.prefix)
		if *replicas > 1 {
			mode += fmt.Sprintf("%d replicas per app behind a round-robin proxy", *replicas)
		} else {
			mode += "one instance per app"
		}
	}

	pop, err := platform.NewPopulation()
	if err != nil {
		return err
	}
	defer pop.Close()

	idpLn, err := net.Listen("tcp", *idpAddr)
	if err != nil {
		return fmt.Errorf("dev Vnconnect listener: %w (choose another with -vnconnect-addr)", err)
	}
	defer idpLn.Close()
	idpURL := "http://" + idpLn.Addr().String()
	apps := []*rp{
		{id: "cong-demo", title: "Cổng thông tin điện tử", kind: kindPortal},
		{id: "pakn-demo", title: "Phản ánh, kiến nghị (PAKN)", kind: kindPAKN},
		{id: "csdl-demo", title: "Cơ sở dữ liệu thủ tục hành chính (CSDL)", kind: kindCSDL},
	}
	for i, a := range apps {
		a.ln, err = net.Listen("tcp", []string{*addr, *paknAddr, *csdlAddr}[i])
		if err != nil {
			return fmt.Errorf("%s listener: %w (choose another with -addr / -pakn-addr / -csdl-addr)", a.title, err)
		}
		defer a.ln.Close()
		a.url = "http://" + a.ln.Addr().String()
	}

	// Each app is registered as Vnconnect's operator would: exact redirect
	// and post-logout URIs, and a back-channel logout URI so that a logout
	// anywhere ends its sessions too. With replicas these are the proxy's
	// URLs: Vnconnect knows one app, not its instances.
	cfg := vnconnecttest.Config{BaseURL: idpURL, Accounts: pop.Accounts}
	for _, a := range apps {
		cfg.Clients = append(cfg.Clients, vnconnecttest.ClientReg{
			ID:                     a.id,
			Secret:                 a.id + "-secret",
			RedirectURIs:           []string{a.url + "/auth/callback"},
			PostLogoutRedirectURIs: []string{a.url + "/"},
			BackchannelLogoutURI:   a.url + "/auth/backchannel-logout",
		})
	}
	fake, err := vnconnecttest.New(cfg)
	if err != nil {
		return fmt.Errorf("dev Vnconnect: %w", err)
	}
	defer fake.Close()

	// The dev Vnconnect serves first: seeding asks its directory for the
	// agencies' accounts.
	idpSrv := serve(fake.Handler(), idpLn)
	errc := make(chan error, 2+len(apps)*(*replicas+1))
	go func() { errc <- idpSrv.srv.Serve(idpSrv.ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = idpSrv.srv.Shutdown(sctx)
	}()

	// The apps look accounts up on Vnconnect as the portal's client.
	dir, err := vnconnect.NewHTTPDirectory(vnconnect.DirectoryConfig{BaseURL: idpURL, ClientID: apps[0].id, ClientSecret: apps[0].id + "-secret"})
	if err != nil {
		return err
	}
	pcfg := platform.Config{Postgres: *pgDSN, Dir: *dataDir, Audience: apps[0].url}
	if backend != nil {
		pcfg.NonceStores, pcfg.Limiters = backend.nonces, backend.limiter
	}
	areaData(&pcfg)
	plat, err := platform.Open(ctx, pcfg, pop, dir)
	if err != nil {
		return err
	}
	defer plat.Close()
	dataLine := "data: SQLite " + plat.Where
	if *pgDSN != "" {
		dataLine = "data: " + plat.Where
	}
	if *dataDir == "" && *pgDSN == "" {
		dataLine += " (temporary, removed at exit)"
	}

	// Replicas' own platforms close before plat, which drops the schema.
	var replicaPlatforms []*platform.Platform
	defer func() {
		for _, p := range replicaPlatforms {
			p.Close()
		}
	}()

	// front serves the public addresses; back the replicas behind the
	// proxies, shut down last so in-flight proxied requests can finish.
	var front, back []serving
	for i, a := range apps {
		var samlID *samlIdentity
		if i == 0 { // the portal offers SAML 2.0 login too
			if samlID, err = newSAMLIdentity(fake, a.url); err != nil {
				return err
			}
		}
		build := func(first bool) (http.Handler, error) {
			var st stores
			if backend != nil {
				var err error
				if st, err = backend.storesFor(a.id); err != nil {
					return nil, err
				}
			}
			p := plat
			if !first && *pgDSN != "" {
				// Another process of the app: its own pool on the
				// same database.
				var err error
				if p, err = plat.Replica(ctx); err != nil {
					return nil, err
				}
				replicaPlatforms = append(replicaPlatforms, p)
			}
			return newInstance(a, apps, idpURL, fake, samlID, st, p, logger)
		}
		if *replicas == 1 {
			h, err := build(true)
			if err != nil {
				return err
			}
			front = append(front, serve(h, a.ln))
			continue
		}
		for k := range *replicas {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return fmt.Errorf("%s replica listener: %w", a.title, err)
			}
			defer ln.Close()
			h, err := build(k == 0)
			if err != nil {
				return err
			}
			a.replicas = append(a.replicas, "http://"+ln.Addr().String())
			back = append(back, serve(h, ln))
		}
		if a.lb, err = newRoundRobin(a.replicas, logger); err != nil {
			return err
		}
		front = append(front, serve(a.lb, a.ln))
	}

	all := append(append([]serving(nil), front...), back...)
	for _, s := range all {
		go func() { errc <- s.srv.Serve(s.ln) }()
	}

	printBanner(out, mode, dataLine, apps, idpURL, pop)
	if ready != nil {
		st := started{PortalURL: apps[0].url, PAKNURL: apps[1].url, CSDLURL: apps[2].url, VnconnectURL: idpURL,
			Fake: fake, Pop: pop, Platform: plat, Replicas: replicaPlatforms, Mode: mode}
		if *replicas > 1 {
			st.Served = func(appURL string) []int64 {
				for _, a := range apps {
					if a.url == appURL {
						return a.lb.counts()
					}
				}
				return nil
			}
		}
		ready(st)
	}

	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range all {
		_ = s.srv.Shutdown(shutdownCtx)
	}
	return nil
}

// printBanner tells a newcomer where everything is and whom to log in as:
// the seeded logins grouped by role, each with the walk-through step it
// is for, and the legacy PAKN usernames and passwords (all fake).
func printBanner(out io.Writer, mode, dataLine string, apps []*rp, idpURL string, pop *platform.Population) {
	fmt.Fprintf(out, "rpkit demo — %s\n%s\n\n", mode, dataLine)
	for _, a := range apps {
		fmt.Fprintf(out, "  %-42s %s/\n", a.title+":", a.url)
		for j, r := range a.replicas {
			fmt.Fprintf(out, "  %-42s %s/\n", fmt.Sprintf("  replica %d:", j+1), r)
		}
	}
	fmt.Fprintf(out, "  %-42s %s/oauth2/token/.well-known/openid-configuration\n\n", "Vnconnect (dev, giả lập):", idpURL)
	fmt.Fprintf(out, "Log in on one app, open another: single sign-on. Log out on any: all end.\n\n")
	fmt.Fprintf(out, "Seeded logins (fake people; pick the name on the dev login page):\n")
	who := func(p platform.Persona, note string) {
		fmt.Fprintf(out, "    %-28s %s  %s\n", p.Name, p.TechID, note)
	}
	fmt.Fprintf(out, "  Platform operator (Văn phòng Chính phủ) — approves super-admin registrations:\n")
	who(pop.Operator, "")
	fmt.Fprintf(out, "  Agencies (organisation accounts, certificate on a simulated USB token):\n")
	for _, a := range pop.Agencies {
		note := "Quản trị cấp cao (approved)"
		if !a.Registered {
			note = "not registered yet: the registration walk-through"
		}
		fmt.Fprintf(out, "    %-28s %s  %s — %s\n", a.Name, a.TechID, a.Code, note)
	}
	fmt.Fprintf(out, "  Admins:\n")
	who(pop.MinistryAdmin, "Admin của Bộ")
	who(pop.ProvinceAdmin, "Admin của Tỉnh/thành phố")
	who(pop.DeptAdmin, "cấp 2, Sở Tư pháp: quantri, PAKN, CSDL")
	who(pop.CommuneAdmin, "cấp 3, xã: the lower admin, refused outside its subtree")
	fmt.Fprintf(out, "  New staff, on Vnconnect only (find them in \"Tìm kiếm trên Vnconnect\" by CCCD):\n")
	for _, p := range pop.NewStaff {
		who(p, "CCCD "+p.CCCD)
	}
	fmt.Fprintf(out, "  Citizens (send feedback on PAKN):\n")
	for _, p := range pop.Citizens {
		who(p, "")
	}
	fmt.Fprintf(out, "  PAKN staff change (\"Chuyển đổi tài khoản\" between Vnconnect accounts):\n")
	who(pop.Outgoing, "outgoing")
	who(pop.Incoming, "incoming")
	fmt.Fprintf(out, "  Legacy PAKN accounts (username / password, fake) and the Vnconnect account each becomes:\n")
	for _, l := range pop.Legacy {
		fmt.Fprintf(out, "    %-20s / %-14s → %s  %s\n", l.Username, l.Password, l.Heir.Name, l.Heir.TechID)
	}
	fmt.Fprintf(out, "\nWalk-through:\n")
	steps := []string{
		fmt.Sprintf("Portal as %s (Admin của Tỉnh): Quản lý người dùng → Thêm mới → Tìm kiếm trên Vnconnect (CCCD %s) → Lưu vào hệ thống → Kích hoạt → Thay đổi đơn vị → Gán quyền.", pop.ProvinceAdmin.Name, pop.NewStaff[0].CCCD),
		fmt.Sprintf("Portal as %s (an unregistered agency): Đăng ký quản trị cấp cao, signed in the simulated signing plugin (demo only, PIN %s); then as %s (operator): Phê duyệt đăng ký quản trị.", pop.Unregistered().Name, agency.DemoPIN, pop.Operator.Name),
		fmt.Sprintf("Portal as %s (cấp 3): try a user of another commune — refused with a clear message.", pop.CommuneAdmin.Name),
		fmt.Sprintf("Portal as %s: Nhập phiếu thay đổi — an XLSX change form (STT, Phân hệ cần bổ sung CCVC xử lý, Họ và tên CCVC, Số CMND/CCCD, Ghi chú) listing new staff above.", pop.DeptAdmin.Name),
		fmt.Sprintf("PAKN as a citizen (%s): send feedback; as %s: Quản trị hệ thống → Quản trị người dùng → Thêm mới vnconnect; Quản trị hệ thống → Chuyển đổi tài khoản.", pop.Citizens[0].Name, pop.DeptAdmin.Name),
		fmt.Sprintf("CSDL as %s: Quản trị hệ thống → Người dùng → Thêm mới từ vnconnect.", pop.DeptAdmin.Name),
	}
	for i, s := range steps {
		fmt.Fprintf(out, "  %d. %s\n", i+1, s)
	}
	fmt.Fprintf(out, "\nThe dev Vnconnect also serves its own %d built-in test accounts. Ctrl+C stops the servers.\n", len(vnconnecttest.SeedAccounts()))
}
