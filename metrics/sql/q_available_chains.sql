-- Every chain with data in the given parks ($parks empty = all parks), by name.
SELECT DISTINCT chain
FROM observations
WHERE chain IS NOT NULL
  AND NOT starts_with(indicator, 'target:')  -- targets are no figures (metrics/targets.py)
  AND (len($parks::VARCHAR[]) = 0 OR list_contains($parks::VARCHAR[], park))
ORDER BY chain
