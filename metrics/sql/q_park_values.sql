-- A park's value per indicator and period (the building block of every comparison).
-- Whole-park figure (chain NULL) when there is one; otherwise, for additive units only, the sum
-- of the park's chain figures (derived_from_chains). '%' figures are never summed. With chains
-- selected, the value is the sum of those chains' figures ('%': only when exactly one is there).
-- illustrative = some figure that went into the value is illustrative (basis), not reported.
-- Scope: periods ($starts/$ends, parallel lists), parks ($parks, empty = every park but the catalog's
-- regions $regions: a province is set beside a park only when picked), chains ($chains,
-- empty = whole-park figures), indicators with their catalog facts as parallel lists.
WITH periods AS (
    SELECT unnest($starts::DATE[]) AS period_start, unnest($ends::DATE[]) AS period_end
),
scope AS (
    SELECT unnest($indicators::VARCHAR[]) AS indicator,
           unnest($additive::BOOLEAN[]) AS additive,
           unnest($lower_better::BOOLEAN[]) AS lower_better,
           unnest($weights::DOUBLE[]) AS weight
),
picked AS (
    SELECT o.park, o.chain, o.period_start, o.period_end, o.indicator, o.value, o.qualifier, o.basis
    FROM observations AS o
    JOIN periods AS p ON o.period_start = p.period_start AND o.period_end = p.period_end
    -- Constant bounds let DuckDB skip row groups by their min/max before the join.
    WHERE o.period_end BETWEEN list_min($ends::DATE[]) AND list_max($ends::DATE[])
      AND o.period_start BETWEEN list_min($starts::DATE[]) AND list_max($starts::DATE[])
      AND list_contains($indicators::VARCHAR[], o.indicator)
      AND (CASE WHEN len($parks::VARCHAR[]) = 0 THEN NOT list_contains($regions::VARCHAR[], o.park)
           ELSE list_contains($parks::VARCHAR[], o.park) END)
      AND (len($chains::VARCHAR[]) = 0 OR list_contains($chains::VARCHAR[], o.chain))
      AND ($include_illustrative OR o.basis = 'reported')
),
per_key AS (
    SELECT park, period_start, period_end, indicator,
           max(value) FILTER (WHERE chain IS NULL) AS whole_value,
           max(qualifier) FILTER (WHERE chain IS NULL) AS whole_qualifier,
           sum(value) FILTER (WHERE chain IS NOT NULL) AS chain_sum,
           count(*) FILTER (WHERE chain IS NOT NULL) AS n_chains,
           bool_or(qualifier = 'at_least') FILTER (WHERE chain IS NOT NULL) AS chain_at_least,
           bool_or(qualifier = 'approx') FILTER (WHERE chain IS NOT NULL) AS chain_approx,
           bool_or(basis = 'illustrative') FILTER (WHERE chain IS NULL) AS whole_illustrative,
           bool_or(basis = 'illustrative') FILTER (WHERE chain IS NOT NULL) AS chain_illustrative
    FROM picked
    GROUP BY park, period_start, period_end, indicator
),
valued AS (
    SELECT k.park, k.period_start, k.period_end, k.indicator, s.additive, s.lower_better, s.weight,
           CASE
               WHEN k.whole_value IS NOT NULL THEN k.whole_value
               WHEN s.additive THEN k.chain_sum
               WHEN len($chains::VARCHAR[]) > 0 AND k.n_chains = 1 THEN k.chain_sum
           END AS value,
           CASE
               WHEN k.whole_value IS NOT NULL THEN k.whole_qualifier
               WHEN k.chain_at_least THEN 'at_least'
               WHEN k.chain_approx THEN 'approx'
               ELSE 'exact'
           END AS qualifier,
           k.whole_value IS NULL AND len($chains::VARCHAR[]) = 0 AS derived_from_chains,
           CASE WHEN k.whole_value IS NOT NULL THEN k.whole_illustrative ELSE k.chain_illustrative END
               AS illustrative,
           CASE WHEN k.whole_value IS NULL THEN k.n_chains ELSE 0 END AS n_chains
    FROM per_key AS k
    JOIN scope AS s ON s.indicator = k.indicator
)
SELECT park, period_start, period_end, indicator, value, qualifier, derived_from_chains, n_chains,
       illustrative, additive, lower_better, weight
FROM valued
WHERE value IS NOT NULL
