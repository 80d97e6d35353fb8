-- Database bootstrap: the least-privilege users the functions connect as.
--
-- Run once per database by star-builder's {"action":"bootstrap"} handler
-- (terraform/bootstrap.tf sends the event), connected AS THE RDS MASTER USER
-- to the target database, inside ONE transaction, after
--
--     SELECT set_config('starlift.purpose', 'oltp' | 'olap', true);
--
--     SELECT set_config('starlift.oltp_schema', '<the pack''s schema>', true);
--
-- Those two settings are the script's only input. Everything else is fixed:
--   starlift_loader   oltp-loader's user (LOGIN, IAM auth through rds_iam)
--   starlift_builder  star-builder's user (LOGIN, IAM auth through rds_iam)
--   starlift_analyst  NOLOGIN group for people and BI tools reading the OLAP
--                     database (grant it to their own users)
--   current_user      the master user running the script
--   current_database() the database the privileges are granted on
-- Terraform's IAM policies (rds-db:connect) and the functions' database URLs
-- use the same two user names.
--
-- The caller creates the database first when it is missing (one-instance
-- topology: the OLAP database), from the maintenance database `postgres`:
--     SELECT 1 FROM pg_database WHERE datname = $1;  -- else:
--     CREATE DATABASE "<olap db>";
-- (CREATE DATABASE cannot run inside a transaction or a DO block.)
--
-- Privileges granted:
--   purpose oltp: starlift_loader  CONNECT, TEMPORARY, CREATE on the database;
--                                  owns the pack's schema and etl (its
--                                  migrations create the tables and its
--                                  migration ledger schema `starlift`)
--                 starlift_builder CONNECT; USAGE on the pack's schema and etl; SELECT
--                                  on their tables, now and future (default
--                                  privileges of starlift_loader)
--   purpose olap: starlift_builder CONNECT, TEMPORARY, CREATE on the database
--                                  (its migrations create and own mirror, dw,
--                                  analytics, etl, starlift)
--                 starlift_analyst USAGE and SELECT on what starlift_builder
--                                  creates (default privileges)
--   both:         PUBLIC loses every privilege on the database and CREATE on
--                 schema public.
--
-- Idempotent: every step checks the catalog or is a repeatable GRANT, so a
-- re-run (new instance, changed script) converges. The functions' users are
-- created without a password: on RDS they log in only with IAM tokens
-- (rds_iam). Outside RDS (local tests) rds_iam does not exist and a WARNING
-- says so; give the users a password there if a test must log in as them.
-- Works for a non-superuser master with CREATEROLE (RDS), PostgreSQL 14-17.

SELECT pg_advisory_xact_lock(hashtext('starlift.bootstrap'));

DO $bootstrap$
DECLARE
    purpose text := current_setting('starlift.purpose', true);
BEGIN
    IF purpose IS NULL OR purpose NOT IN ('oltp', 'olap') THEN
        RAISE EXCEPTION 'starlift bootstrap: set starlift.purpose to oltp or olap before running this script (got %)',
            coalesce(quote_literal(purpose), 'nothing');
    END IF;
END
$bootstrap$;

-- Roles (cluster-wide: on a shared instance the second database finds them).
DO $bootstrap$
DECLARE
    purpose text := current_setting('starlift.purpose');
    login_role text;
    wanted text[] := CASE current_setting('starlift.purpose')
        WHEN 'oltp' THEN ARRAY['starlift_loader', 'starlift_builder']
        ELSE ARRAY['starlift_builder']
    END;
BEGIN
    FOREACH login_role IN ARRAY wanted LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = login_role) THEN
            -- No password: on RDS the role logs in with IAM tokens only.
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', login_role);
            RAISE NOTICE 'starlift bootstrap: created role %', login_role;
        ELSIF EXISTS (
            SELECT FROM pg_catalog.pg_roles
            WHERE rolname = login_role
              AND (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls OR NOT rolcanlogin)
        ) THEN
            -- Changing these attributes needs a superuser, which the RDS
            -- master is not: stop rather than run with a powerful role.
            RAISE EXCEPTION 'starlift bootstrap: role % exists with unexpected attributes (it must be LOGIN and nothing more)',
                login_role;
        END IF;
        IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'rds_iam') THEN
            EXECUTE format('GRANT rds_iam TO %I', login_role);
        ELSE
            RAISE WARNING 'starlift bootstrap: role rds_iam not found (not RDS): % cannot use IAM authentication here',
                login_role;
        END IF;
        -- The master must act as the role to create schemas it owns, grant
        -- on its tables and set its default privileges.
        IF NOT pg_catalog.pg_has_role(current_user, login_role, 'USAGE') THEN
            EXECUTE format('GRANT %I TO %I', login_role, current_user);
        END IF;
    END LOOP;

    IF purpose = 'olap' AND NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'starlift_analyst') THEN
        CREATE ROLE starlift_analyst NOLOGIN;
        RAISE NOTICE 'starlift bootstrap: created role starlift_analyst';
    END IF;
END
$bootstrap$;

-- Database-level privileges.
DO $bootstrap$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;

    IF current_setting('starlift.purpose') = 'oltp' THEN
        EXECUTE format('GRANT CONNECT, TEMPORARY, CREATE ON DATABASE %I TO starlift_loader', current_database());
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO starlift_builder', current_database());
    ELSE
        EXECUTE format('GRANT CONNECT, TEMPORARY, CREATE ON DATABASE %I TO starlift_builder', current_database());
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO starlift_analyst', current_database());
    END IF;
END
$bootstrap$;

-- OLTP: the loader owns the pack's schema and etl; the builder reads them.
DO $bootstrap$
DECLARE
    schema_name text;
    owner_name text;
BEGIN
    IF current_setting('starlift.purpose') <> 'oltp' THEN
        RETURN;
    END IF;

    IF coalesce(current_setting('starlift.oltp_schema', true), '') = '' THEN
        RAISE EXCEPTION 'starlift bootstrap: set starlift.oltp_schema to the pack''s OLTP schema before running this script for oltp';
    END IF;

    FOREACH schema_name IN ARRAY ARRAY[current_setting('starlift.oltp_schema'), 'etl'] LOOP
        SELECT pg_catalog.pg_get_userbyid(nspowner) INTO owner_name
        FROM pg_catalog.pg_namespace WHERE nspname = schema_name;

        IF owner_name IS NULL THEN
            EXECUTE format('CREATE SCHEMA %I AUTHORIZATION starlift_loader', schema_name);
        ELSIF owner_name <> 'starlift_loader' THEN
            RAISE EXCEPTION 'starlift bootstrap: schema % exists and is owned by %, not starlift_loader; its migrations must own it',
                schema_name, owner_name;
        END IF;

        EXECUTE format('GRANT USAGE ON SCHEMA %I TO starlift_builder', schema_name);
        EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO starlift_builder', schema_name);
        EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE starlift_loader IN SCHEMA %I GRANT SELECT ON TABLES TO starlift_builder',
            schema_name);
    END LOOP;
END
$bootstrap$;

-- OLTP: the loader may switch off the per-row foreign-key triggers of its own
-- merges after checking the parents itself (sql/engine/loader/trusted.sql);
-- it owns those tables already. PostgreSQL 15+ grants this per parameter;
-- a master that may not grant it (RDS's rds_superuser may not, unless AWS
-- allows it on the engine version) leaves the loader on the trigger path.
DO $bootstrap$
BEGIN
    IF current_setting('starlift.purpose') <> 'oltp' OR current_setting('server_version_num')::int < 150000 THEN
        RETURN;
    END IF;
    EXECUTE 'GRANT SET ON PARAMETER session_replication_role TO starlift_loader';
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'starlift bootstrap: % may not grant SET ON PARAMETER session_replication_role: oltp-loader keeps the per-row foreign-key triggers (slower first loads, same result)',
        current_user;
END
$bootstrap$;

-- OLAP: analysts read whatever the builder creates.
DO $bootstrap$
DECLARE
    schema_name text;
BEGIN
    IF current_setting('starlift.purpose') <> 'olap' THEN
        RETURN;
    END IF;

    ALTER DEFAULT PRIVILEGES FOR ROLE starlift_builder GRANT USAGE ON SCHEMAS TO starlift_analyst;
    ALTER DEFAULT PRIVILEGES FOR ROLE starlift_builder GRANT SELECT ON TABLES TO starlift_analyst;

    -- Schemas and tables the builder created before this (re-)run.
    FOR schema_name IN
        SELECT nspname FROM pg_catalog.pg_namespace
        WHERE nspowner = 'starlift_builder'::regrole
    LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO starlift_analyst', schema_name);
        EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO starlift_analyst', schema_name);
    END LOOP;
END
$bootstrap$;
