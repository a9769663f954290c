-- Parks ranked on one indicator at one period; rank 1 = best (direction-aware), ties share a rank.
WITH park_values AS (
    -- @include q_park_values
)
SELECT rank() OVER (ORDER BY CASE WHEN lower_better THEN value ELSE -value END) AS rank,
       park, indicator, value, qualifier, derived_from_chains, n_chains, illustrative,
       -- @include display
       AS display
FROM park_values
ORDER BY rank, park
