-- intake_batch() hands back the parts of the messages it closed (outcome 'piece'), so its result
-- gains columns; CREATE OR REPLACE cannot change a result type, so the old one goes first and
-- sql/repeatable/60_intake_batch.sql makes the new one in the same migrate.
DROP FUNCTION IF EXISTS intake_batch(
    text, text, integer, integer, integer, integer, text[], text[], text[], double precision[],
    text[], smallint[], text[], text[], text[], text[], integer[], integer[], integer[], text[],
    boolean[], text[], boolean[], bigint[], text[], text[], boolean[], boolean[], text[],
    boolean[], integer[]);
