-- Trusted merges (trusted.sql): before the orphan check, the tables the
-- staged rows reference are locked against other writers (readers go on)
-- until commit, so a parent the check found cannot be deleted or re-keyed
-- before the rows that need it are committed. {parents}: the tables, quoted.
LOCK TABLE {parents} IN SHARE MODE
