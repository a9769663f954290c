-- Efficacy-coefficient scores 60-100 of the selected parks, against the whole group (see score_rows).
WITH scores AS (
    -- @include score_rows
)
SELECT park, indicator, value, weight, score, illustrative
FROM scores
WHERE selected
ORDER BY park, indicator
