-- Progress against targets (目标) for the period in view ($starts[1]..$ends[1]): per park × indicator
-- with a target (rows `target:<id>`, metrics/targets.py) whose period starts where the view starts and
-- ends on or after its end (an annual target for 2024年1–9月 or 2024年上半年, a quarter's for that quarter);
-- of several, the shortest. With chains selected, the targets of those chains are summed like figures.
-- 序时进度 (time_pct) = months elapsed ÷ months of the target period × 100; a rate ('%') target holds
-- for any span of its period: 100. 完成率 (completion_pct) = actual ÷ target × 100. The gap in points is
-- completion − time progress; for a lower-is-better indicator (the target is a ceiling) time − completion.
-- status: ahead (超序时) when the gap rounds above 0.0, on_track (达序时) when it rounds to 0.0, else behind.
WITH park_values AS (
    -- @include q_park_values
),
target_rows AS (
    SELECT o.park, o.chain, substr(o.indicator, 8) AS indicator, o.period_start, o.period_end,
           o.value, o.qualifier, o.basis
    FROM observations AS o
    WHERE starts_with(o.indicator, 'target:')
      AND list_contains($indicators::VARCHAR[], substr(o.indicator, 8))
      AND o.period_start = $starts[1] AND o.period_end >= $ends[1]
      AND (CASE WHEN len($parks::VARCHAR[]) = 0 THEN NOT list_contains($regions::VARCHAR[], o.park)
           ELSE list_contains($parks::VARCHAR[], o.park) END)
      AND (CASE WHEN len($chains::VARCHAR[]) = 0 THEN o.chain IS NULL
                ELSE list_contains($chains::VARCHAR[], o.chain) END)
      AND ($include_illustrative OR o.basis = 'reported')
),
shortest AS (
    SELECT park, indicator, min(period_end) AS period_end FROM target_rows GROUP BY park, indicator
),
targets AS (
    SELECT t.park, t.indicator, t.period_start, t.period_end,
           sum(t.value) AS target,
           CASE WHEN bool_or(t.qualifier = 'at_least') THEN 'at_least'
                WHEN bool_or(t.qualifier = 'approx') THEN 'approx' ELSE 'exact' END AS target_qualifier,
           bool_or(t.basis = 'illustrative') AS target_illustrative
    FROM target_rows AS t
    JOIN shortest AS s ON s.park = t.park AND s.indicator = t.indicator AND s.period_end = t.period_end
    GROUP BY t.park, t.indicator, t.period_start, t.period_end
),
joined AS (
    SELECT t.park, t.indicator, t.period_start AS target_start, t.period_end AS target_end,
           t.target, t.target_qualifier, t.target_illustrative,
           v.value AS actual, v.qualifier AS actual_qualifier, coalesce(v.illustrative, false) AS actual_illustrative,
           s.additive, s.lower_better,
           CASE WHEN NOT s.additive THEN 100.0
                ELSE 100.0 * (date_diff('month', t.period_start, $ends[1] + INTERVAL 1 DAY))
                     / date_diff('month', t.period_start, t.period_end + INTERVAL 1 DAY) END AS time_pct
    FROM targets AS t
    JOIN (SELECT unnest($indicators::VARCHAR[]) AS indicator, unnest($additive::BOOLEAN[]) AS additive,
                 unnest($lower_better::BOOLEAN[]) AS lower_better) AS s ON s.indicator = t.indicator
    LEFT JOIN park_values AS v ON v.park = t.park AND v.indicator = t.indicator
),
measured AS (
    SELECT *,
           CASE WHEN target <> 0 AND actual IS NOT NULL THEN 100.0 * actual / target END AS completion_pct
    FROM joined
),
gapped AS (
    SELECT *,
           CASE WHEN lower_better THEN time_pct - completion_pct ELSE completion_pct - time_pct END AS gap_pts
    FROM measured
)
SELECT park, indicator, target_start, target_end, target, target_qualifier, target_illustrative,
       actual, actual_qualifier, actual_illustrative, lower_better, time_pct, completion_pct, gap_pts,
       CASE WHEN gap_pts IS NULL THEN NULL
            WHEN round(gap_pts, 1) > 0 THEN 'ahead'
            WHEN round(gap_pts, 1) = 0 THEN 'on_track'
            ELSE 'behind' END AS status,
       rank() OVER (PARTITION BY indicator ORDER BY
                    CASE WHEN lower_better THEN completion_pct ELSE -completion_pct END NULLS LAST) AS rank
FROM gapped
ORDER BY indicator, rank, park
