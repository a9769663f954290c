-- Statements of Store.undo_load, Store.restore and the audit trail.

-- name: audit
INSERT INTO audit SELECT coalesce(max(audit_id), 0) + 1, $now, $actor, $action, $detail FROM audit;

-- name: load_row
SELECT load_id, file_name, status, kind, restored_history_id FROM loads WHERE load_id = $load_id;

-- The rule these statements keep (docs/ARCHITECTURE.md, "Which value is current"): a key's current
-- figure is the one stated by the latest load or restore (one numbering: load_id) that is not undone.

-- name: undo_collect
-- The event's figures that are still current (a later load or restore may have superseded some:
-- those keys keep their later figure).
CREATE OR REPLACE TEMP TABLE undone AS
SELECT * FROM observations WHERE load_id = $load_id;

-- name: undo_mark_load
UPDATE loads SET status = 'undone' WHERE load_id = $load_id;

-- name: undo_collect_brought_back
-- For each key the undone event made current, the figure stated by the latest event still in effect
-- (run after undo_mark_load, so the undone event's own entries never qualify; a value from before the
-- history kept load ids, NULL, counts as the oldest).
CREATE OR REPLACE TEMP TABLE brought_back AS
SELECT h.history_id
FROM observation_history AS h
SEMI JOIN undone AS u
       ON h.park = u.park AND h.chain IS NOT DISTINCT FROM u.chain
      AND h.period_start = u.period_start AND h.period_end = u.period_end
      AND h.indicator = u.indicator
WHERE NOT EXISTS (SELECT 1 FROM loads AS l WHERE l.load_id = h.load_id AND l.status = 'undone')
QUALIFY row_number() OVER (
    PARTITION BY h.park, h.chain, h.period_start, h.period_end, h.indicator
    ORDER BY h.load_id DESC NULLS LAST, h.history_id DESC) = 1;

-- name: undo_keep_removed
-- History ids from $first_id, as in store_load.sql `keep_replaced`.
INSERT INTO observation_history
SELECT $first_id - 1 + row_number() OVER (ORDER BY park, chain NULLS FIRST, period_start, period_end, indicator),
       park, chain, period_start, period_end, indicator,
       value, qualifier, source, basis, reference, load_id, $now, NULL, 'undo', false
FROM undone;

-- name: undo_remove
DELETE FROM observations WHERE load_id = $load_id;

-- name: undo_bring_back
-- Back with the load id of the event that stated it, so that undoing that event removes it again.
INSERT INTO observations
SELECT park, chain, period_start, period_end, indicator, value, qualifier, source, basis, reference, load_id
FROM observation_history
WHERE history_id IN (SELECT history_id FROM brought_back);

-- name: undo_mark_brought_back
UPDATE observation_history SET restored = true WHERE history_id IN (SELECT history_id FROM brought_back);

-- name: history_row
SELECT h.park, h.chain, h.period_start, h.period_end, h.indicator, h.value, h.restored,
       coalesce(l.file_name, '') AS file_name
FROM observation_history AS h
LEFT JOIN loads AS l ON l.load_id = h.load_id
WHERE h.history_id = $history_id;

-- name: restore_record
-- A restore is an event: it is numbered with the loads, listed with them and can be undone like one.
-- file_name is that of the load that first brought the value in (the figure's file, as shown with it).
INSERT INTO loads (load_id, file_name, content_sha256, kept_path, loaded_at, actor, status, rows_loaded,
                   rows_replaced, rows_unchanged, missing, totals_skipped, report_json, kind,
                   restored_history_id)
VALUES ($load_id, $file_name, '', NULL, $now, $actor, 'loaded', 1, $rows_replaced, 0, 0, 0, $report_json,
        'restore', $history_id);

-- name: restore_current_count
SELECT count(*)
FROM observations AS o, observation_history AS h
WHERE h.history_id = $history_id
  AND o.park = h.park AND o.chain IS NOT DISTINCT FROM h.chain
  AND o.period_start = h.period_start AND o.period_end = h.period_end
  AND o.indicator = h.indicator;

-- name: restore_keep_current
INSERT INTO observation_history
SELECT (SELECT coalesce(max(history_id), 0) + 1 FROM observation_history), o.park, o.chain, o.period_start, o.period_end, o.indicator,
       o.value, o.qualifier, o.source, o.basis, o.reference, o.load_id, $now, $load_id, 'restore', false
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
-- The restored figure is stated by the restore event ($load_id), not by the load it first came with:
-- undoing that load later leaves it, undoing the restore removes it.
INSERT INTO observations
SELECT park, chain, period_start, period_end, indicator, value, qualifier, source, basis, reference,
       $load_id
FROM observation_history WHERE history_id = $history_id;

-- name: restore_mark
UPDATE observation_history SET restored = true WHERE history_id = $history_id;
