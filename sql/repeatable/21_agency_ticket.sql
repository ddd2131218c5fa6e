-- What agencies' own systems may read: their tickets, never a confidential sender's number.
CREATE OR REPLACE VIEW agency_ticket AS
SELECT ticket_of(c.id) AS ticket,
       a.code AS agency,
       c.status,
       c.text,
       CASE WHEN c.confidential THEN NULL ELSE c.sender END AS sender,
       c.confidential,
       c.created_at,
       c.routed_at,
       c.first_followup_at,
       c.closed_at,
       d.followup_by
  FROM complaint c
  JOIN agency a ON a.id = c.agency_id
  LEFT JOIN complaint_deadline d ON d.id = c.id;
