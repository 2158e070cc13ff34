-- rbac schema, version 2 (PostgreSQL): indexes for ListMemberships' filters.

-- The role filter: a scope's memberships semi-joined with the grants of
-- one role on one subsystem, read from this index alone.
CREATE INDEX membership_roles_role_account ON membership_roles (subsystem, role, account);

-- The name search's word index: one row per word of accounts.name_folded
-- (the words between its spaces), so that each query word, a prefix of a
-- name word, is a btree range ("word LIKE 'hung%'"), not a scan of every
-- account. It only narrows the candidates: the LIKE on name_folded still
-- decides, so the result is exactly vnid.NameContains. Kept by PutAccount.
CREATE TABLE member_name_words (
	word    TEXT COLLATE "C" NOT NULL,
	account TEXT COLLATE "C" NOT NULL REFERENCES accounts (tech_id) ON DELETE CASCADE,
	PRIMARY KEY (word, account)
);
INSERT INTO member_name_words (word, account)
	SELECT DISTINCT w, a.tech_id FROM accounts a, unnest(string_to_array(a.name_folded, ' ')) AS w
	WHERE w <> '';
