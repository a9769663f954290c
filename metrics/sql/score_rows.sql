-- Fragment (a query, included by q_normalised_scores, q_composite_index, q_score_medians): the
-- efficacy-coefficient score (功效系数法) of every park of the reference group on every indicator in scope:
--     score = 60 + 40 × (x − min) / (max − min)      (lower-is-better: 60 + 40 × (max − x) / (max − min))
-- so the group's worst value scores 60 and its best 100. The reference group is every park with a value at
-- the period under the view's chains, basis and indicators ($parks is bound empty): a park's score does not
-- depend on which other parks are selected. `selected` marks the parks of $selected (empty = all). With no
-- spread (one park reports it, or all report the same) everyone scores 80, the middle of the band, so an
-- indicator nobody differs on neither lifts nor sinks anyone. See docs/METHOD.md.
WITH park_values AS (
    -- @include q_park_values
),
spread AS (
    SELECT indicator, min(value) AS lo, max(value) AS hi
    FROM park_values
    GROUP BY indicator
)
SELECT v.park, v.indicator, v.value, v.weight, v.illustrative,
       CASE
           WHEN s.hi = s.lo THEN 80.0
           WHEN v.lower_better THEN 60.0 + 40.0 * (s.hi - v.value) / (s.hi - s.lo)
           ELSE 60.0 + 40.0 * (v.value - s.lo) / (s.hi - s.lo)
       END AS score,
       len($selected::VARCHAR[]) = 0 OR list_contains($selected::VARCHAR[], v.park) AS selected
FROM park_values AS v
JOIN spread AS s ON s.indicator = v.indicator
