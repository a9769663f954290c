-- Statements of the park-scope checks in Store.undo_load and Store.restore (metrics/scope.py).

-- name: load_parks
-- Every park a load touched: its figures still current, those replaced since, and those it replaced.
SELECT DISTINCT park FROM observations WHERE load_id = $load_id
UNION
SELECT DISTINCT park FROM observation_history WHERE load_id = $load_id OR replaced_by_load = $load_id;
