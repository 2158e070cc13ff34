package platform

import (
	"context"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// Platform is the demo's shared back end: one database holding rbac's
// tables and the apps' own data (so conversions run in one transaction),
// the rights service over it, the converter, the test PKI that issued the
// agencies' certificates, and the verifier and challenger that check them.
// Every app instance (and every replica) uses the same Platform, or, with
// -postgres, one per replica over the same database (Replica).
type Platform struct {
	DB      *sql.DB         // app data and rbac's tables: one database
	Dialect migrate.Dialect // the database's SQL dialect

	RBAC      *rbac.Service
	Directory vnconnect.Directory // the dev Vnconnect's directory

	Convert *migrate.Converter // legacy → Vnconnect, Vnconnect → Vnconnect
	Linker  *migrate.Linker    // self-service linking of legacy accounts

	Verifier   *pki.Verifier   // trusts the demo PKI's root
	Challenger *pki.Challenger // nonces for certificate login

	Pop *Population // who is who: see population.go

	// Store is rbac's store on DB (Stats, for the curious).
	Store *sqlstore.Store
	// Where says where the data is, for the banner: the SQLite file, or
	// the PostgreSQL schema.
	Where string

	cfg     Config
	nonces  *nonceStores // this Platform's single-use stores and limiters
	dsn     string       // PostgreSQL: the DSN with this run's search_path
	cleanup []func()
	once    sync.Once
}

// Config configures Open. The zero value runs on a fresh SQLite file in a
// temporary directory, removed at Close.
type Config struct {
	// Postgres is a pgx DSN ("postgres://user@host/db?sslmode=disable").
	// Empty means SQLite. Each Open makes a fresh schema (rpkit_demo_…)
	// in that database and drops it at Close, so the demo and its tests
	// never see each other's data.
	Postgres string
	// Dir holds the SQLite file (demo.db); empty means a temporary
	// directory, removed at Close. An existing, already seeded file is
	// reused as it is.
	Dir string
	// Clock defaults to the system clock.
	Clock rbac.Clock
	// Audience is the relying party the certificate-login challenges name
	// (the portal's URL); empty means "rpkit-demo".
	Audience string
	// NonceStores makes the single-use stores the screens keep pending
	// state in (certificate-login challenges, registrations awaiting
	// confirmation), one per purpose; Redis with -redis, so that every
	// replica sees them. Nil (or a nil store) means one in memory per
	// purpose, for this Platform only: a Replica has its own, as another
	// process would.
	NonceStores func(purpose string) pki.NonceStore
	// Limiters makes the attempt limiters of password checks (the
	// Linker's, the legacy login's), one per purpose with its policy;
	// migrate.RedisLimiter with -redis, so that replicas count attempts
	// together. Nil means migrate.MemoryLimiters, for this Platform only
	// (a Replica has its own, as another process would).
	Limiters func(purpose string, policy migrate.LimitPolicy) (migrate.Limiter, error)

	// AppSchema creates the apps' own tables (PAKN's feedback…) in the
	// database. Each runs at every Open and must be idempotent.
	AppSchema []func(ctx context.Context, db *sql.DB, d migrate.Dialect) error
	// AppSeed fills them, once per fresh database, after the rights are
	// seeded.
	AppSeed []func(ctx context.Context, p *Platform) error
	// Movers make the movers that move the apps' data in a conversion
	// (PAKN's feedback cases), for the database's dialect.
	Movers []func(d migrate.Dialect) ([]migrate.Mover, error)
}

// Open opens the database, brings every schema up to date (rbac's, the
// conversion journal and legacy accounts', the apps'), registers the three
// subsystems, seeds pop into a fresh database, and builds the services.
// dir is the dev Vnconnect's directory (found accounts, agency look-ups).
func Open(ctx context.Context, cfg Config, pop *Population, dir vnconnect.Directory) (*Platform, error) {
	if pop == nil || dir == nil {
		return nil, errors.New("platform: a population and a directory are required")
	}
	p := &Platform{cfg: cfg, Pop: pop, Directory: dir, nonces: newNonceStores(cfg)}
	if err := p.open(ctx); err != nil {
		p.Close()
		return nil, err
	}
	if err := p.build(); err != nil {
		p.Close()
		return nil, err
	}
	if err := p.seed(ctx); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Replica opens another Platform on the same database, as another process
// of the same app would: its own connection pool, rights service,
// converter and verifier, and its own single-use stores and limiters —
// over the same Redis keys when Config's NonceStores and Limiters share
// them, in its own memory otherwise, exactly as a separate process (so a
// store left in memory shows up as a flow that fails across replicas). It
// does not seed. Close it before p.
func (p *Platform) Replica(ctx context.Context) (*Platform, error) {
	r := &Platform{cfg: p.cfg, Pop: p.Pop, Directory: p.Directory, dsn: p.dsn, Where: p.Where, nonces: newNonceStores(p.cfg)}
	var err error
	if p.Dialect == migrate.Postgres {
		err = r.attachPostgres(ctx, p.dsn)
	} else {
		err = r.attachSQLite(ctx, p.Where)
	}
	if err == nil {
		err = r.build()
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Close closes the database and removes what Open made for this run (the
// temporary directory, the PostgreSQL schema).
func (p *Platform) Close() {
	p.once.Do(func() {
		if p.DB != nil {
			p.DB.Close()
		}
		for i := len(p.cleanup) - 1; i >= 0; i-- {
			p.cleanup[i]()
		}
	})
}

func (p *Platform) open(ctx context.Context) error {
	if p.cfg.Postgres != "" {
		dsn, drop, err := freshSchema(ctx, p.cfg.Postgres)
		if err != nil {
			return err
		}
		p.cleanup = append(p.cleanup, drop)
		p.dsn = dsn
		if err := p.attachPostgres(ctx, dsn); err != nil {
			return err
		}
		p.Where = "PostgreSQL, schema " + p.Schema() + " (dropped at exit)"
	} else {
		dir := p.cfg.Dir
		if dir == "" {
			tmp, err := os.MkdirTemp("", "rpkit-demo-")
			if err != nil {
				return fmt.Errorf("platform: temporary directory: %w", err)
			}
			p.cleanup = append(p.cleanup, func() { os.RemoveAll(tmp) })
			dir = tmp
		}
		if err := p.attachSQLite(ctx, filepath.Join(dir, "demo.db")); err != nil {
			return err
		}
	}
	// Every schema, idempotent: rbac's (sqlstore.Migrate ran in attach),
	// the conversion journal, the legacy accounts, the apps' tables.
	if err := migrate.Migrate(ctx, p.DB, p.Dialect); err != nil {
		return err
	}
	if err := migrate.CreateLegacyTable(ctx, p.DB, p.Dialect); err != nil {
		return err
	}
	for _, f := range p.cfg.AppSchema {
		if err := f(ctx, p.DB, p.Dialect); err != nil {
			return fmt.Errorf("platform: app schema: %w", err)
		}
	}
	return nil
}

// attachSQLite opens the file with the settings sqlstore.OpenSQLite uses
// (WAL, foreign keys, a busy timeout, BEGIN IMMEDIATE), on one pool that
// rbac's store and the apps share: the converter's one-transaction path
// needs both in the same database.
func (p *Platform) attachSQLite(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return fmt.Errorf("platform: open SQLite: %w", err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	p.DB, p.Dialect, p.Where = db, migrate.SQLite, path
	st, err := sqlstore.New(db, sqlstore.SQLite)
	if err == nil {
		err = st.Migrate(ctx)
	}
	if err != nil {
		return fmt.Errorf("platform: rbac schema on SQLite %s: %w", path, err)
	}
	p.Store = st
	return nil
}

func (p *Platform) attachPostgres(ctx context.Context, dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("platform: open PostgreSQL: %w", err)
	}
	// Each replica has a pool like this one: keep the sum well under
	// PostgreSQL's default max_connections (100), which the test suite's
	// other packages share.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(time.Minute)
	p.DB, p.Dialect = db, migrate.Postgres
	st, err := sqlstore.New(db, sqlstore.Postgres)
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err == nil {
		err = st.Migrate(ctx)
	}
	if err != nil {
		return fmt.Errorf("platform: rbac schema on PostgreSQL: %w", err)
	}
	p.Store = st
	return nil
}

// build makes the services over p.DB.
func (p *Platform) build() error {
	var err error
	p.RBAC, err = rbac.New(rbac.Config{Store: p.Store, Directory: p.Directory,
		Operators: []string{p.Pop.Operator.TechID}, Clock: p.cfg.Clock})
	if err != nil {
		return err
	}
	legacy, err := migrate.NewSQLLegacy(p.Dialect, migrate.LegacyTable{})
	if err != nil {
		return err
	}
	var movers []migrate.Mover
	for _, f := range p.cfg.Movers {
		ms, err := f(p.Dialect)
		if err != nil {
			return err
		}
		movers = append(movers, ms...)
	}
	p.Convert, err = migrate.New(migrate.Config{DB: p.DB, Dialect: p.Dialect, RBAC: p.RBAC, Directory: p.Directory,
		Legacy: legacy, Movers: movers, Clock: p.cfg.Clock, Transactions: migrate.TxShared})
	if err != nil {
		return err
	}
	users, err := p.Limiter("link-users", migrate.DefaultUserPolicy)
	if err != nil {
		return err
	}
	clients, err := p.Limiter("link-clients", migrate.DefaultClientPolicy)
	if err != nil {
		return err
	}
	if p.Linker, err = migrate.NewLinker(migrate.LinkerConfig{Converter: p.Convert, Users: users, Clients: clients}); err != nil {
		return err
	}
	var clock func() time.Time
	if p.cfg.Clock != nil {
		clock = p.cfg.Clock.Now
	}
	pk := p.Pop.PKI
	if pk == nil {
		return errors.New("platform: the population has no PKI")
	}
	p.Verifier, err = pki.NewVerifier(pki.Config{Roots: []*x509.Certificate{pk.Root()}, Intermediates: []*x509.Certificate{pk.SubCA()}, Clock: clock})
	if err != nil {
		return err
	}
	audience := p.cfg.Audience
	if audience == "" {
		audience = "rpkit-demo"
	}
	p.Challenger, err = pki.NewChallenger(pki.ChallengeConfig{Verifier: p.Verifier, Store: p.NonceStore("pki-challenge"),
		Audience: audience, Clock: clock})
	return err
}

// NonceStore returns the single-use store for purpose (a short name:
// "pki-challenge", "agency-pending"…): in Redis when the demo runs with
// -redis (each replica's Platform with its own client, all on the same
// keys, so every replica sees the same entries), otherwise in this
// Platform's memory.
func (p *Platform) NonceStore(purpose string) pki.NonceStore {
	n := p.nonces
	n.mu.Lock()
	defer n.mu.Unlock()
	if s, ok := n.stores[purpose]; ok {
		return s
	}
	var s pki.NonceStore
	if n.make != nil {
		s = n.make(purpose)
	}
	if s == nil {
		var clock func() time.Time
		if p.cfg.Clock != nil {
			clock = p.cfg.Clock.Now
		}
		s = pki.NewMemoryNonceStore(clock, 0)
	}
	n.stores[purpose] = s
	return s
}

// Limiter returns the attempt limiter for purpose ("link-users",
// "pakn-legacy-users"…) with policy: a migrate.RedisLimiter under -redis
// (every replica counts on the same keys), otherwise a MemoryLimiter of
// this Platform's. One limiter per purpose: a later call returns it,
// whatever its policy.
func (p *Platform) Limiter(purpose string, policy migrate.LimitPolicy) (migrate.Limiter, error) {
	n := p.nonces
	n.mu.Lock()
	defer n.mu.Unlock()
	if l, ok := n.limiters[purpose]; ok {
		return l, nil
	}
	var l migrate.Limiter = migrate.NewMemoryLimiter(policy, 0)
	if p.cfg.Limiters != nil {
		var err error
		if l, err = p.cfg.Limiters(purpose, policy); err != nil {
			return nil, fmt.Errorf("platform: limiter %s: %w", purpose, err)
		}
	}
	n.limiters[purpose] = l
	return l, nil
}

// nonceStores caches a Platform's single-use stores and limiters by
// purpose. Each Platform (each replica) has its own, hence its own Redis
// clients, as separate processes would.
type nonceStores struct {
	mu       sync.Mutex
	make     func(purpose string) pki.NonceStore
	stores   map[string]pki.NonceStore
	limiters map[string]migrate.Limiter
}

func newNonceStores(cfg Config) *nonceStores {
	return &nonceStores{make: cfg.NonceStores, stores: map[string]pki.NonceStore{}, limiters: map[string]migrate.Limiter{}}
}
