-- Every period with data, newest first (latest end, then longest span), with its figure count.
SELECT period_start, period_end, count(*) AS n_observations
FROM observations
WHERE NOT starts_with(indicator, 'target:')  -- targets are no figures (metrics/targets.py)
GROUP BY period_start, period_end
ORDER BY period_end DESC, period_start ASC
