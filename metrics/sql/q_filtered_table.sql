-- The figures behind a view (q_filtered_rows) for export, with their display text, key-sorted.
WITH picked AS (
    -- @include q_filtered_rows
)
SELECT *,
       -- @include display
       AS display
FROM picked
ORDER BY park, chain NULLS FIRST, period_start, period_end, indicator
