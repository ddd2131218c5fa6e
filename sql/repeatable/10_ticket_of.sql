-- The ticket citizens see for a complaint id: the id followed by its Damm check digit. The
-- programs compute the same in C (ticket.c); the tests check that both agree.
CREATE OR REPLACE FUNCTION ticket_of(p_seq bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT AS $$
    WITH RECURSIVE step(i, interim) AS (
        SELECT 1, 0
        UNION ALL
        SELECT i + 1,
               ('{0,3,1,7,5,9,8,6,4,2,7,0,9,2,1,5,4,8,6,3,4,2,0,6,8,7,1,3,5,9,1,7,5,0,9,8,3,4,2,6,6,1,2,3,0,4,5,9,7,8,3,6,7,4,2,0,9,5,8,1,5,8,6,9,7,2,0,1,3,4,8,9,4,5,3,6,2,0,1,7,9,4,3,8,6,1,7,2,0,5,2,5,8,1,4,3,6,7,9,0}'::int[])[interim * 10 + substr(p_seq::text, i, 1)::int + 1]
          FROM step
         WHERE i <= length(p_seq::text))
    SELECT p_seq * 10 + interim FROM step ORDER BY i DESC LIMIT 1;
$$;
