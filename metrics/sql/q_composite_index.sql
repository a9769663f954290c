-- Composite index: weighted mean of each park's available scores (weight 0 = left out);
-- rank 1 = best, ties (to 1e-9) share a rank.
WITH scores AS (
    -- @include q_normalised_scores
),
indexed AS (
    SELECT park, sum(weight * score) / sum(weight) AS index, count(*) AS n_indicators
    FROM scores
    WHERE weight > 0
    GROUP BY park
)
SELECT rank() OVER (ORDER BY round(index, 9) DESC) AS rank, park, index, n_indicators
FROM indexed
ORDER BY rank, park
