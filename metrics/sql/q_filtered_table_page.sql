-- The first $limit rows of q_filtered_table (to show a large table), n_total = all rows; the
-- display text is made for the rows shown only.
WITH picked AS (
    -- @include q_filtered_rows
),
page AS (
    SELECT *, count(*) OVER () AS n_total
    FROM picked
    ORDER BY park, chain NULLS FIRST, period_start, period_end, indicator
    LIMIT $limit
)
SELECT *,
       -- @include display
       AS display
FROM page
ORDER BY park, chain NULLS FIRST, period_start, period_end, indicator
