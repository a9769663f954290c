-- The figures behind a view, unordered: one period, the selected parks and indicators; with no
-- chains selected both whole-park and chain figures (the latter may make up a park's value).
SELECT park, chain, period_start, period_end, indicator, value, qualifier, source, basis, reference
FROM observations
WHERE period_start = $start AND period_end = $end
  AND list_contains($indicators::VARCHAR[], indicator)
  AND (CASE WHEN len($parks::VARCHAR[]) = 0 THEN NOT list_contains($regions::VARCHAR[], park)
           ELSE list_contains($parks::VARCHAR[], park) END)
  AND (len($chains::VARCHAR[]) = 0 OR list_contains($chains::VARCHAR[], chain))
  AND ($include_illustrative OR basis = 'reported')
