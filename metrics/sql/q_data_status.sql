-- What the database holds: counts by basis, parks, the latest period, loads in effect.
WITH latest AS (
    SELECT period_start, period_end FROM observations
    WHERE NOT starts_with(indicator, 'target:')
    ORDER BY period_end DESC, period_start ASC
    LIMIT 1
),
counts AS (
    SELECT count(*) AS n_observations,
           count(*) FILTER (WHERE basis = 'reported') AS n_reported,
           count(*) FILTER (WHERE basis = 'illustrative') AS n_illustrative,
           count(DISTINCT park) AS n_parks
    FROM observations
    WHERE NOT starts_with(indicator, 'target:')  -- targets are no figures (metrics/targets.py)
),
load_stats AS (
    SELECT count(*) AS n_loads, max(loaded_at) AS last_load_at FROM loads WHERE status = 'loaded'
)
SELECT c.n_observations, c.n_reported, c.n_illustrative, c.n_parks,
       (SELECT period_start FROM latest) AS latest_start,
       (SELECT period_end FROM latest) AS latest_end,
       l.n_loads, l.last_load_at
FROM counts AS c, load_stats AS l
