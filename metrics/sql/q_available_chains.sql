-- Every chain with data in the given parks ($parks empty = all parks), by name.
SELECT DISTINCT chain
FROM observations
WHERE chain IS NOT NULL
  AND (len($parks::VARCHAR[]) = 0 OR list_contains($parks::VARCHAR[], park))
ORDER BY chain
