-- The median score of every park of the reference group per indicator (the radar's yardstick for one or
-- two parks), with the number of parks it is the median of.
WITH scores AS (
    -- @include score_rows
)
SELECT indicator, median(score) AS score, count(*) AS n_parks
FROM scores
GROUP BY indicator
ORDER BY indicator
