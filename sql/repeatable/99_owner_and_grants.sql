-- Last of every migrate: what the files before this one (and any numbered migration) created is
-- handed to lapor_owner, and the roles get their rights on the views. Re-applying a function or
-- view with CREATE OR REPLACE keeps its owner and grants; these statements make a new one, or one
-- a numbered migration dropped and this run created again, the same as the rest.
DO $$
BEGIN
    IF to_regrole('lapor_daemon') IS NOT NULL THEN
        GRANT SELECT ON complaint_deadline, agency_ticket, outbox_for_reader TO lapor_daemon;
    END IF;
    IF to_regrole('lapor_reader') IS NOT NULL THEN
        GRANT SELECT ON complaint_deadline, agency_ticket, agency_own_ticket, outbox_for_reader
              TO lapor_reader;
    END IF;
    IF to_regrole('lapor_agency') IS NOT NULL THEN
        GRANT SELECT ON agency_own_ticket TO lapor_agency;
    END IF;
    PERFORM lapor_give_to_owner();
END;
$$;
