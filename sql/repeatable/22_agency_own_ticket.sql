-- What an agency's own login reads: agency_ticket's rows of the agency its login is listed with in
-- agency_login, and no other. The view reads the tables with its owner's rights, so the login
-- needs none on them; security_barrier keeps a login's own functions in a WHERE clause from
-- seeing the rows the filter drops.
CREATE OR REPLACE VIEW agency_own_ticket WITH (security_barrier) AS
SELECT t.*
  FROM agency_ticket t
 WHERE t.agency IN (SELECT a.code
                      FROM agency a
                      JOIN agency_login l ON l.agency_id = a.id
                     WHERE l.login = current_user);
