-- Min-max scores 0-100 per indicator across the selected parks, 100 = best (lower-is-better
-- indicators inverted). No spread (one park, or all equal) gives the neutral 50.
WITH park_values AS (
    -- @include q_park_values
),
spread AS (
    SELECT indicator, min(value) AS lo, max(value) AS hi
    FROM park_values
    GROUP BY indicator
)
SELECT v.park, v.indicator, v.value, v.weight,
       CASE
           WHEN s.hi = s.lo THEN 50.0
           WHEN v.lower_better THEN 100.0 * (s.hi - v.value) / (s.hi - s.lo)
           ELSE 100.0 * (v.value - s.lo) / (s.hi - s.lo)
       END AS score
FROM park_values AS v
JOIN spread AS s ON s.indicator = v.indicator
ORDER BY v.park, v.indicator
