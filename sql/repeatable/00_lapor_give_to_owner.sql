-- Hands everything in this schema that the migrating role owns to lapor_owner (see
-- 001_baseline.sql for the roles). 99_owner_and_grants.sql calls it at the end of every migrate.
-- The names come from the catalogue, quoted by regclass and regprocedure, since DDL takes no
-- parameters.
CREATE OR REPLACE FUNCTION lapor_give_to_owner() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    obj record;
BEGIN
    IF to_regrole('lapor_owner') IS NULL OR NOT pg_has_role('lapor_owner', 'MEMBER') THEN
        RAISE NOTICE 'objects stay with %: lapor_owner is missing or not ours to give to',
            current_user;
        RETURN;
    END IF;
    -- Relations (tables, views, sequences) change owner by ALTER TABLE, functions by ALTER ROUTINE.
    FOR obj IN
        SELECT 'TABLE' AS kind, c.oid::regclass::text AS name
          FROM pg_class c
         WHERE c.relnamespace = current_schema()::regnamespace
           AND c.relowner = current_user::regrole
           AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
           -- A sequence that belongs to a column moves with its table.
           AND NOT EXISTS (SELECT 1 FROM pg_depend d
                            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                              AND d.deptype IN ('a', 'i'))
        UNION ALL
        SELECT 'ROUTINE', p.oid::regprocedure::text
          FROM pg_proc p
         WHERE p.pronamespace = current_schema()::regnamespace
           AND p.proowner = current_user::regrole
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO lapor_owner', obj.kind, obj.name);
    END LOOP;
END;
$$;
REVOKE EXECUTE ON FUNCTION lapor_give_to_owner() FROM PUBLIC;
