-- One indicator over a series of like periods ($starts/$ends, all of one kind), per park, with the
-- change against the same span a year earlier ($prev_starts/$prev_ends, parallel to $starts).
-- growth_pct is relative to |previous|; NULL for '%' indicators (their change is in points).
-- $top (NULL = every park) keeps the parks ranked best at $cur_start/$cur_end (ties kept).
WITH park_values AS (
    -- @include q_park_values
),
earlier AS (
    SELECT unnest($starts::DATE[]) AS period_start, unnest($ends::DATE[]) AS period_end,
           unnest($prev_starts::DATE[]) AS prev_start, unnest($prev_ends::DATE[]) AS prev_end
),
leaders AS (
    SELECT park
    FROM park_values
    WHERE period_start = $cur_start AND period_end = $cur_end
    QUALIFY rank() OVER (ORDER BY CASE WHEN lower_better THEN value ELSE -value END) <= $top
),
compared AS (
    SELECT cur.park, cur.period_start, cur.period_end, cur.value, cur.qualifier, cur.derived_from_chains,
           cur.illustrative,
           prev.value AS prev_value,
           cur.value - prev.value AS change,
           CASE WHEN cur.additive AND prev.value <> 0
                THEN 100.0 * (cur.value - prev.value) / abs(prev.value) END AS growth_pct
    FROM park_values AS cur
    JOIN earlier AS e ON e.period_start = cur.period_start AND e.period_end = cur.period_end
    LEFT JOIN park_values AS prev
           ON prev.park = cur.park AND prev.indicator = cur.indicator
          AND prev.period_start = e.prev_start AND prev.period_end = e.prev_end
    WHERE $top IS NULL OR cur.park IN (SELECT park FROM leaders)
)
SELECT *,
       -- @include display
       AS display
FROM compared
ORDER BY park, period_end, period_start
