-- lapor-smsd schema version 9: the three roles, complete.
--
--   lapor_owner   owns every table, view, sequence and function of the schema; only a login that
--                 is a member of it (or a superuser) can change the schema. NOLOGIN.
--   lapor_daemon  what lapor-smsd needs and no more: reads and writes rows, never DDL. A daemon
--                 logs in as a role that is a member of it (CREATE ROLE gw LOGIN IN ROLE
--                 lapor_daemon).
--   lapor_reader  read-only, for operators who look (lapor-smsctl status, outbox list, metrics).
--
-- Created where the migrating role may create roles; where it may not, a notice says so and an
-- administrator creates them, then runs the migration's grants by hand or migrates again.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lapor_owner') THEN
        BEGIN
            CREATE ROLE lapor_owner NOLOGIN;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'role lapor_owner not created: %', SQLERRM;
        END;
    END IF;
END;
$$;

-- Hands everything in this schema that the migrating role owns to lapor_owner. Later migrations
-- end by calling it, so that what they create is the owner's too. The names come from the
-- catalogue, quoted by regclass and regprocedure, since DDL takes no parameters.
CREATE FUNCTION lapor_give_to_owner() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    obj record;
BEGIN
    IF to_regrole('lapor_owner') IS NULL OR NOT pg_has_role('lapor_owner', 'MEMBER') THEN
        RAISE NOTICE 'objects stay with %: lapor_owner is missing or not ours to give to',
            current_user;
        RETURN;
    END IF;
    FOR obj IN
        SELECT c.oid::regclass AS name
          FROM pg_class c
         WHERE c.relnamespace = current_schema()::regnamespace
           AND c.relowner = current_user::regrole
           AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
           -- A sequence that belongs to a column moves with its table.
           AND NOT EXISTS (SELECT 1 FROM pg_depend d
                            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                              AND d.deptype IN ('a', 'i'))
    LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO lapor_owner', obj.name);
    END LOOP;
    FOR obj IN
        SELECT p.oid::regprocedure AS name
          FROM pg_proc p
         WHERE p.pronamespace = current_schema()::regnamespace
           AND p.proowner = current_user::regrole
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO lapor_owner', obj.name);
    END LOOP;
END;
$$;

DO $$
BEGIN
    IF to_regrole('lapor_daemon') IS NOT NULL THEN
        -- The daemon replaces the holidays its configuration lists, so it deletes those rows.
        GRANT DELETE ON holiday TO lapor_daemon;
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO lapor_daemon;
    END IF;
    IF to_regrole('lapor_reader') IS NOT NULL THEN
        GRANT SELECT ON ALL TABLES IN SCHEMA public TO lapor_reader;
    END IF;
END;
$$;
REVOKE EXECUTE ON FUNCTION lapor_give_to_owner() FROM PUBLIC;

DO $$
BEGIN
    PERFORM lapor_give_to_owner();
END;
$$;
