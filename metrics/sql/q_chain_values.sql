-- Chain figures of one indicator at one period, ranked within each park and over all rows;
-- rank 1 = best (direction-aware), ties share a rank. $chains empty = every chain.
-- illustrative = the figure's basis is illustrative (charts draw it differently).
WITH scope AS (
    SELECT unnest($indicators::VARCHAR[]) AS indicator, unnest($lower_better::BOOLEAN[]) AS lower_better
),
picked AS (
    SELECT o.park, o.chain, o.indicator, o.value, o.qualifier, o.basis = 'illustrative' AS illustrative, s.lower_better
    FROM observations AS o
    JOIN scope AS s ON s.indicator = o.indicator
    WHERE o.period_start = $start AND o.period_end = $end
      AND o.chain IS NOT NULL
      AND (CASE WHEN len($parks::VARCHAR[]) = 0 THEN NOT list_contains($regions::VARCHAR[], o.park)
           ELSE list_contains($parks::VARCHAR[], o.park) END)
      AND (len($chains::VARCHAR[]) = 0 OR list_contains($chains::VARCHAR[], o.chain))
      AND ($include_illustrative OR o.basis = 'reported')
)
SELECT park, chain, indicator, value, qualifier, illustrative,
       -- @include display
       AS display,
       rank() OVER (PARTITION BY park ORDER BY CASE WHEN lower_better THEN value ELSE -value END) AS rank_in_park,
       rank() OVER (ORDER BY CASE WHEN lower_better THEN value ELSE -value END) AS rank_overall
FROM picked
ORDER BY park, rank_in_park, chain
