-- Every park with data, by name.
SELECT DISTINCT park FROM observations
WHERE NOT starts_with(indicator, 'target:')  -- targets are no figures (metrics/targets.py)
ORDER BY park
