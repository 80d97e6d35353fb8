-- dw.dim_location holds exactly the places of the offices and of every
-- customer version, plus the unknown member: every office's place is
-- there, and every place but the unknown member is an office's or a
-- customer version's (dim_customer.location_resolves checks the customer
-- versions' places are there). Fails with the offices whose place is
-- missing and the places nothing is in.
-- Scope: the whole dimension and the offices (small; the customer versions
-- are probed by the index on dim_customer.location_key).
SELECT o.office_code, NULL::uuid AS location_key, 'office place missing' AS problem
FROM mirror.offices o
WHERE NOT EXISTS (SELECT 1 FROM dw.dim_location l
                  WHERE l.location_key = dw.location_key(o.country, o.state, o.city))
UNION ALL
SELECT NULL, l.location_key, 'no office or customer version is in ' || l.place
FROM dw.dim_location l
WHERE l.location_key <> dw.unknown_location_key()
  AND NOT EXISTS (SELECT 1 FROM mirror.offices o
                  WHERE dw.location_key(o.country, o.state, o.city) = l.location_key)
  AND NOT EXISTS (SELECT 1 FROM dw.dim_customer d WHERE d.location_key = l.location_key)
UNION ALL
SELECT NULL, dw.unknown_location_key(), 'the unknown member is missing'
WHERE NOT EXISTS (SELECT 1 FROM dw.dim_location WHERE location_key = dw.unknown_location_key())
ORDER BY 1, 2
