-- KPI cards: one row per indicator, aggregated over the selected parks at the current period
-- ($cur_*), with the same aggregate a year earlier ($yoy_*) and, for months and quarters, one step
-- earlier ($seq_*, NULL otherwise). Additive units are summed, '%' averaged. A comparison uses only
-- the parks that have a value in both periods, so like is compared with like.
-- prev_illustrative: an illustrative figure went into the comparison period's aggregate (so the change
-- was computed against it). n_parks_in_view: the parks the cards are out of — the selected ones, or
-- with none selected every park with a figure of an indicator in scope at the current period.
WITH park_values AS (
    -- @include q_park_values
),
per_park AS (
    SELECT park, indicator, any_value(additive) AS additive,
           max(value) FILTER (WHERE period_start = $cur_start AND period_end = $cur_end) AS cur,
           max(qualifier) FILTER (WHERE period_start = $cur_start AND period_end = $cur_end) AS cur_qualifier,
           bool_or(derived_from_chains) FILTER (WHERE period_start = $cur_start AND period_end = $cur_end)
               AS cur_derived,
           bool_or(illustrative) FILTER (WHERE period_start = $cur_start AND period_end = $cur_end)
               AS cur_illustrative,
           max(value) FILTER (WHERE period_start = $yoy_start AND period_end = $yoy_end) AS yoy,
           bool_or(illustrative) FILTER (WHERE period_start = $yoy_start AND period_end = $yoy_end)
               AS yoy_illustrative,
           max(value) FILTER (WHERE period_start = $seq_start AND period_end = $seq_end) AS seq,
           bool_or(illustrative) FILTER (WHERE period_start = $seq_start AND period_end = $seq_end)
               AS seq_illustrative
    FROM park_values
    GROUP BY park, indicator
),
per_indicator AS (
    SELECT indicator, additive,
           count(cur) AS n_parks,
           CASE WHEN additive THEN sum(cur) ELSE avg(cur) END AS value,
           CASE
               WHEN bool_or(cur_qualifier = 'at_least') THEN 'at_least'
               WHEN bool_or(cur_qualifier = 'approx') THEN 'approx'
               ELSE 'exact'
           END AS qualifier,
           count(*) FILTER (WHERE cur IS NOT NULL AND cur_derived) AS n_parks_from_chains,
           coalesce(bool_or(cur_illustrative), false) AS illustrative,
           count(*) FILTER (WHERE cur IS NOT NULL AND yoy IS NOT NULL) AS n_yoy,
           coalesce(bool_or(yoy_illustrative) FILTER (WHERE cur IS NOT NULL AND yoy IS NOT NULL), false)
               AS yoy_illustrative,
           coalesce(bool_or(seq_illustrative) FILTER (WHERE cur IS NOT NULL AND seq IS NOT NULL), false)
               AS seq_illustrative,
           CASE WHEN additive THEN sum(cur) FILTER (WHERE yoy IS NOT NULL)
                ELSE avg(cur) FILTER (WHERE yoy IS NOT NULL) END AS cur_for_yoy,
           CASE WHEN additive THEN sum(yoy) FILTER (WHERE cur IS NOT NULL)
                ELSE avg(yoy) FILTER (WHERE cur IS NOT NULL) END AS yoy_value,
           count(*) FILTER (WHERE cur IS NOT NULL AND seq IS NOT NULL) AS n_seq,
           CASE WHEN additive THEN sum(cur) FILTER (WHERE seq IS NOT NULL)
                ELSE avg(cur) FILTER (WHERE seq IS NOT NULL) END AS cur_for_seq,
           CASE WHEN additive THEN sum(seq) FILTER (WHERE cur IS NOT NULL)
                ELSE avg(seq) FILTER (WHERE cur IS NOT NULL) END AS seq_value
    FROM per_park
    GROUP BY indicator, additive
    HAVING count(cur) > 0
),
compared AS (
    SELECT *,
           CASE WHEN n_yoy > 0 THEN 'yoy' WHEN n_seq > 0 THEN 'mom' END AS comparison
    FROM per_indicator
),
in_view AS (
    SELECT CASE WHEN len($parks::VARCHAR[]) > 0 THEN len(list_distinct($parks::VARCHAR[]))
                ELSE (SELECT count(DISTINCT park) FROM per_park WHERE cur IS NOT NULL) END AS n_parks_in_view
)
SELECT indicator, value, qualifier,
       -- @include display
       AS display,
       CASE WHEN additive THEN 'sum' ELSE 'mean' END AS aggregation,
       n_parks, n_parks_from_chains, illustrative,
       comparison,
       CASE comparison WHEN 'yoy' THEN yoy_value WHEN 'mom' THEN seq_value END AS prev_value,
       CASE comparison WHEN 'yoy' THEN cur_for_yoy - yoy_value WHEN 'mom' THEN cur_for_seq - seq_value END
           AS change,
       CASE comparison WHEN 'yoy' THEN n_yoy WHEN 'mom' THEN n_seq ELSE 0 END AS n_parks_compared,
       CASE comparison WHEN 'yoy' THEN yoy_illustrative WHEN 'mom' THEN seq_illustrative ELSE false END
           AS prev_illustrative,
       n_parks_in_view
FROM compared, in_view
