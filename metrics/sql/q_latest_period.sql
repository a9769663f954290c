-- The latest period holding data in scope: latest end, then the longest span (earliest start).
-- $since (NULL = no bound) limits the search to recent periods, so DuckDB skips older row groups.
SELECT period_start, period_end
FROM observations
WHERE period_end >= coalesce($since::DATE, DATE '0001-01-01')
  AND list_contains($indicators::VARCHAR[], indicator)
  AND (CASE WHEN len($parks::VARCHAR[]) = 0 THEN NOT list_contains($regions::VARCHAR[], park)
           ELSE list_contains($parks::VARCHAR[], park) END)
  AND (len($chains::VARCHAR[]) = 0 OR list_contains($chains::VARCHAR[], chain))
  AND ($include_illustrative OR basis = 'reported')
ORDER BY period_end DESC, period_start ASC
LIMIT 1
