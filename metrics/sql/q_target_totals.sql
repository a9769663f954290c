-- Progress against targets summed over the parks in view, per indicator (the overview's target cards):
-- parks with both a target and an actual figure only, so like is compared with like; counts and amounts
-- summed, a rate ('%') averaged. 序时进度 is that of the parks' targets (all the same unless target periods
-- differ: then the mean). Gap and status as in q_target_progress (direction-aware).
WITH progress AS (
    -- @include q_target_progress
),
paired AS (
    SELECT p.*, s.additive
    FROM progress AS p
    JOIN (SELECT unnest($indicators::VARCHAR[]) AS indicator, unnest($additive::BOOLEAN[]) AS additive) AS s
      ON s.indicator = p.indicator
    WHERE p.actual IS NOT NULL
),
totals AS (
    SELECT indicator, any_value(lower_better) AS lower_better, any_value(additive) AS additive,
           count(*) AS n_parks,
           CASE WHEN any_value(additive) THEN sum(target) ELSE avg(target) END AS target,
           CASE WHEN any_value(additive) THEN sum(actual) ELSE avg(actual) END AS actual,
           CASE WHEN bool_or(target_qualifier = 'at_least') THEN 'at_least'
                WHEN bool_or(target_qualifier = 'approx') THEN 'approx' ELSE 'exact' END AS target_qualifier,
           CASE WHEN bool_or(actual_qualifier = 'at_least') THEN 'at_least'
                WHEN bool_or(actual_qualifier = 'approx') THEN 'approx' ELSE 'exact' END AS actual_qualifier,
           avg(time_pct) AS time_pct,
           bool_or(target_illustrative OR actual_illustrative) AS illustrative
    FROM paired
    GROUP BY indicator
),
measured AS (
    SELECT *, CASE WHEN target <> 0 THEN 100.0 * actual / target END AS completion_pct FROM totals
),
gapped AS (
    SELECT *, CASE WHEN lower_better THEN time_pct - completion_pct ELSE completion_pct - time_pct END AS gap_pts
    FROM measured
)
SELECT indicator, n_parks, target, target_qualifier, actual, actual_qualifier, completion_pct, time_pct, gap_pts,
       CASE WHEN gap_pts IS NULL THEN NULL
            WHEN round(gap_pts, 1) > 0 THEN 'ahead'
            WHEN round(gap_pts, 1) = 0 THEN 'on_track'
            ELSE 'behind' END AS status,
       lower_better, illustrative
FROM gapped
