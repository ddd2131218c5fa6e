-- The date p_days working days after p_from (weekends and holidays do not count).
CREATE OR REPLACE FUNCTION working_day_after(p_from date, p_days integer) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT d::date
      FROM generate_series(p_from + 1, p_from + 10 + p_days * 3, interval '1 day') AS d
     WHERE extract(isodow FROM d) < 6
       AND NOT EXISTS (SELECT 1 FROM holiday h WHERE h.day = d::date)
     ORDER BY d
    OFFSET greatest(p_days, 1) - 1
     LIMIT 1;
$$;
