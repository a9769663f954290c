-- Composite index: the weighted mean of a park's efficacy-coefficient scores over the weighted indicators
-- it reports (weight 0 = left out). A park is scored only when the indicators it reports carry at least
-- $min_coverage of the weight of the indicators that any park of the group reports at the period; the
-- others are listed unscored (index and rank NULL), never as 0. Rank 1 = best; ties (to 1e-9) share.
WITH scores AS (
    -- @include score_rows
),
weighted AS (
    SELECT * FROM scores WHERE weight > 0
),
available AS (
    SELECT sum(weight) AS total_weight, count(*) AS n_available
    FROM (SELECT indicator, any_value(weight) AS weight FROM weighted GROUP BY indicator)
),
per_park AS (
    SELECT park, sum(weight * score) / sum(weight) AS raw_index, count(*) AS n_indicators,
           sum(weight) AS weight_reported, coalesce(bool_or(illustrative), false) AS illustrative
    FROM weighted
    WHERE selected
    GROUP BY park
),
judged AS (
    SELECT p.*, a.n_available, p.weight_reported / a.total_weight AS coverage,
           p.weight_reported / a.total_weight >= $min_coverage - 1e-9 AS scored
    FROM per_park AS p, available AS a
)
SELECT CASE WHEN scored THEN rank() OVER (PARTITION BY scored ORDER BY round(raw_index, 9) DESC) END AS rank,
       park,
       CASE WHEN scored THEN raw_index END AS index,
       n_indicators, n_available AS n_indicators_available, coverage, scored, illustrative
FROM judged
ORDER BY scored DESC, rank NULLS LAST, coverage DESC, park
