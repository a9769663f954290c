-- Every period with figures of some indicators ($indicators), newest first, with its figure count.
SELECT period_start, period_end, count(*) AS n_observations
FROM observations
WHERE list_contains($indicators::VARCHAR[], indicator)
GROUP BY period_start, period_end
ORDER BY period_end DESC, period_start ASC
