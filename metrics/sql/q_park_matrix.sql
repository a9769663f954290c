-- Every selected park's value for every indicator in scope at one period.
WITH park_values AS (
    -- @include q_park_values
)
SELECT park, indicator, value, qualifier, derived_from_chains, n_chains, illustrative,
       -- @include display
       AS display
FROM park_values
ORDER BY park, indicator
