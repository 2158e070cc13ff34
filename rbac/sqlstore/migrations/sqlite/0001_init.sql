-- rbac schema, version 1 (SQLite).
--
-- Text compares with SQLite's default BINARY collation: byte order, the
-- order Go's strings.Compare gives and the memory store uses. Times are
-- INTEGER Unix nanoseconds (NULL for the zero time). Booleans are 0/1.

CREATE TABLE units (
	-- nid is the store's own surrogate key: paths are built from it, so
	-- they hold only digits and '/', whatever the application's IDs are.
	nid         INTEGER PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	parent      TEXT NOT NULL,
	-- Materialised path of nids from the root, "/1/17/230/"; the subtree of
	-- a unit is every row whose path starts with its path.
	path        TEXT NOT NULL,
	code        TEXT NOT NULL,
	code_kind   TEXT NOT NULL,
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL,
	state       TEXT NOT NULL,
	merged_into TEXT NOT NULL,
	created_at  BIGINT,
	updated_at  BIGINT
);
CREATE INDEX units_parent ON units (parent, id);
CREATE INDEX units_path ON units (path);

CREATE TABLE subsystems (
	id     TEXT PRIMARY KEY,
	name   TEXT NOT NULL,
	roles_json  TEXT NOT NULL, -- []rbac.Role
	groups_json TEXT NOT NULL  -- []rbac.Group
);

CREATE TABLE accounts (
	tech_id     TEXT PRIMARY KEY,
	type        INTEGER NOT NULL,
	full_name   TEXT NOT NULL,
	-- " " + vnid.FoldName(full_name): a leading space so that a name
	-- search is LIKE '% word1% word2%' (each word a prefix of a name word,
	-- in order), exactly vnid.NameContains.
	name_folded TEXT NOT NULL,
	cccd        TEXT NOT NULL,
	cmnd        TEXT NOT NULL,
	phone       TEXT NOT NULL,
	email       TEXT NOT NULL,
	agency_code TEXT NOT NULL,
	tax_code    TEXT NOT NULL,
	created_at  BIGINT,
	updated_at  BIGINT
);

CREATE TABLE memberships (
	account    TEXT NOT NULL,
	subsystem  TEXT NOT NULL,
	unit       TEXT NOT NULL,
	-- The unit's path, copied here so that "memberships in a subtree" is
	-- one index range with no join; kept in step when units move.
	-- "" while the unit does not exist.
	unit_path  TEXT NOT NULL,
	grp        TEXT NOT NULL,
	state      TEXT NOT NULL,
	locked     INTEGER NOT NULL,
	is_admin   INTEGER NOT NULL, -- some grant has Level >= 1
	roles      TEXT NOT NULL,    -- JSON []rbac.RoleGrant, as given
	review     TEXT NOT NULL,
	added_by   TEXT NOT NULL,
	created_at BIGINT,
	updated_at BIGINT,
	PRIMARY KEY (account, subsystem)
);
-- Users in an actor's scope on one subsystem (ListMemberships).
CREATE INDEX memberships_scope ON memberships (subsystem, unit_path, account);
-- Scopes on every subsystem (super admins).
CREATE INDEX memberships_path ON memberships (unit_path, account, subsystem);
-- MembershipsIn / AdminsIn.
CREATE INDEX memberships_unit ON memberships (unit, account, subsystem);

-- One row per role grant, for the queries that look inside Roles: the role
-- filter, and what an actor granted.
CREATE TABLE membership_roles (
	account    TEXT NOT NULL,
	subsystem  TEXT NOT NULL,
	pos        INTEGER NOT NULL,
	role       TEXT NOT NULL,
	level      INTEGER NOT NULL,
	via_group  TEXT NOT NULL,
	granted_by TEXT NOT NULL,
	PRIMARY KEY (account, subsystem, pos),
	FOREIGN KEY (account, subsystem) REFERENCES memberships (account, subsystem) ON DELETE CASCADE
);
CREATE INDEX membership_roles_role ON membership_roles (subsystem, role);
CREATE INDEX membership_roles_granted_by ON membership_roles (granted_by);

CREATE TABLE super_admins (
	account          TEXT NOT NULL,
	unit             TEXT NOT NULL,
	cred_agency_code TEXT NOT NULL,
	cred_mst         TEXT NOT NULL,
	cred_name        TEXT NOT NULL,
	cred_serial      TEXT NOT NULL,
	cred_issuer      TEXT NOT NULL,
	decision         TEXT NOT NULL,
	request_id       TEXT NOT NULL,
	granted_by       TEXT NOT NULL,
	granted_at       BIGINT,
	review           TEXT NOT NULL,
	PRIMARY KEY (account, unit)
);
CREATE INDEX super_admins_unit ON super_admins (unit, account);
CREATE INDEX super_admins_granted_by ON super_admins (granted_by);

CREATE TABLE super_admin_requests (
	id               TEXT PRIMARY KEY,
	account          TEXT NOT NULL,
	unit             TEXT NOT NULL,
	cred_agency_code TEXT NOT NULL,
	cred_mst         TEXT NOT NULL,
	cred_name        TEXT NOT NULL,
	cred_serial      TEXT NOT NULL,
	cred_issuer      TEXT NOT NULL,
	decision         TEXT NOT NULL,
	reason           TEXT NOT NULL,
	state            TEXT NOT NULL,
	created_at       BIGINT,
	decided_by       TEXT NOT NULL,
	decided_at       BIGINT,
	note             TEXT NOT NULL
);
CREATE INDEX super_admin_requests_state ON super_admin_requests (state, created_at, id);

-- Append-only: the store only ever INSERTs here. seq is the chain position,
-- so two transactions appending the same seq collide on the primary key.
CREATE TABLE audit_log (
	seq     BIGINT PRIMARY KEY,
	at      BIGINT,
	actor   TEXT NOT NULL,
	action  TEXT NOT NULL,
	target  TEXT NOT NULL,
	reason  TEXT NOT NULL,
	details TEXT, -- JSON map, NULL for none
	prev    TEXT NOT NULL,
	hash    TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
