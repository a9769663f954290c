-- Statements of Store.undo_load, Store.restore and the audit trail.

-- name: audit
INSERT INTO audit VALUES (nextval('audit_id_seq'), $now, $actor, $action, $detail);

-- name: load_row
SELECT load_id, file_name, status FROM loads WHERE load_id = $load_id;

-- name: undo_collect
-- The load's figures that are still current (a later load may have replaced some).
CREATE OR REPLACE TEMP TABLE undone AS
SELECT * FROM observations WHERE load_id = $load_id;

-- name: undo_keep_removed
-- History ids from $first_id, as in store_load.sql `keep_replaced`.
INSERT INTO observation_history
SELECT $first_id - 1 + row_number() OVER (), park, chain, period_start, period_end, indicator,
       value, qualifier, source, basis, reference, load_id, $now, NULL, 'undo', false
FROM undone;

-- name: undo_remove
DELETE FROM observations WHERE load_id = $load_id;

-- name: undo_collect_brought_back
-- What the load replaced comes back, unless it came from a load that was undone itself.
CREATE OR REPLACE TEMP TABLE brought_back AS
SELECT h.history_id
FROM observation_history AS h
SEMI JOIN undone AS u
       ON h.park = u.park AND h.chain IS NOT DISTINCT FROM u.chain
      AND h.period_start = u.period_start AND h.period_end = u.period_end
      AND h.indicator = u.indicator
WHERE h.replaced_by_load = $load_id AND NOT h.restored
  AND NOT EXISTS (SELECT 1 FROM loads AS l WHERE l.load_id = h.load_id AND l.status = 'undone');

-- name: undo_bring_back
INSERT INTO observations
SELECT park, chain, period_start, period_end, indicator, value, qualifier, source, basis, reference, load_id
FROM observation_history
WHERE history_id IN (SELECT history_id FROM brought_back);

-- name: undo_mark_brought_back
UPDATE observation_history SET restored = true WHERE history_id IN (SELECT history_id FROM brought_back);

-- name: undo_mark_load
UPDATE loads SET status = 'undone' WHERE load_id = $load_id;

-- name: history_row
SELECT park, chain, period_start, period_end, indicator, value, restored
FROM observation_history WHERE history_id = $history_id;

-- name: restore_keep_current
INSERT INTO observation_history
SELECT nextval('history_id_seq'), o.park, o.chain, o.period_start, o.period_end, o.indicator,
       o.value, o.qualifier, o.source, o.basis, o.reference, o.load_id, $now, NULL, 'restore', false
FROM observations AS o, observation_history AS h
WHERE h.history_id = $history_id
  AND o.park = h.park AND o.chain IS NOT DISTINCT FROM h.chain
  AND o.period_start = h.period_start AND o.period_end = h.period_end
  AND o.indicator = h.indicator;

-- name: restore_remove_current
DELETE FROM observations AS o
USING observation_history AS h
WHERE h.history_id = $history_id
  AND o.park = h.park AND o.chain IS NOT DISTINCT FROM h.chain
  AND o.period_start = h.period_start AND o.period_end = h.period_end
  AND o.indicator = h.indicator;

-- name: restore_insert
INSERT INTO observations
SELECT park, chain, period_start, period_end, indicator, value, qualifier, source, basis, reference,
       load_id
FROM observation_history WHERE history_id = $history_id;

-- name: restore_mark
UPDATE observation_history SET restored = true WHERE history_id = $history_id;
