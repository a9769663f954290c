-- Every period holding a figure in the view's scope (parks, chains, indicators, basis), newest first.
-- With no chain selected a chain figure counts too: it can give its park a value (summed from chains).
-- $chain_only: only chain figures count (the chains page shows nothing else).
SELECT DISTINCT period_start, period_end
FROM observations
WHERE list_contains($indicators::VARCHAR[], indicator)
  AND (CASE WHEN len($parks::VARCHAR[]) = 0 THEN NOT list_contains($regions::VARCHAR[], park)
           ELSE list_contains($parks::VARCHAR[], park) END)
  AND (len($chains::VARCHAR[]) = 0 OR list_contains($chains::VARCHAR[], chain))
  AND ($include_illustrative OR basis = 'reported')
  AND (NOT $chain_only OR chain IS NOT NULL)
ORDER BY period_end DESC, period_start ASC
