-- rbac schema, version 2 (SQLite): the role filter's index. (PostgreSQL's
-- version 2 also adds a word index for the name search, member_name_words;
-- SQLite scans its scopes' accounts instead.)
CREATE INDEX membership_roles_role_account ON membership_roles (subsystem, role, account);
