-- Statements of the analysts' catalog (Store.save_indicator, save_park, add_alias, revert_catalog_change...).

-- name: indicator_entries
SELECT indicator_id, entry FROM catalog_indicators ORDER BY created_change;

-- name: park_entries
SELECT name, entry FROM catalog_parks ORDER BY created_change;

-- name: catalog_version
SELECT coalesce(max(change_id), 0) FROM catalog_changes;

-- name: next_change_id
SELECT coalesce(max(change_id), 0) + 1 FROM catalog_changes;

-- name: record_change
INSERT INTO catalog_changes VALUES (
    $change_id, $now, $actor, $action, $target_kind, $target, $before, $after, $before_stored, $after_stored, $reverts
);

-- name: indicator_created
SELECT created_change FROM catalog_indicators WHERE indicator_id = $key;

-- name: indicator_delete
DELETE FROM catalog_indicators WHERE indicator_id = $key;

-- name: indicator_insert
INSERT INTO catalog_indicators VALUES ($key, $entry, $created_change, $change_id);

-- name: park_created
SELECT created_change FROM catalog_parks WHERE name = $key;

-- name: park_delete
DELETE FROM catalog_parks WHERE name = $key;

-- name: park_insert
INSERT INTO catalog_parks VALUES ($key, $entry, $created_change, $change_id);

-- name: indicator_insert_new
-- Entries of keys that have none yet, in one statement (`new_catalog_entries`: key, entry, change_id; each
-- first stored by its own change), recorded by `record_new_entries`: what `*_insert` + `record_change` do a row at a time.
INSERT INTO catalog_indicators SELECT "key", entry, change_id, change_id FROM new_catalog_entries;

-- name: park_insert_new
INSERT INTO catalog_parks SELECT "key", entry, change_id, change_id FROM new_catalog_entries;

-- name: record_new_entries
INSERT INTO catalog_changes
SELECT change_id, $now, $actor, $action, $target_kind, "key", NULL, entry, false, true, NULL
FROM new_catalog_entries;

-- name: changes
SELECT change_id, "at", actor, action, target_kind, target, before, after, reverts
FROM catalog_changes
ORDER BY change_id DESC;

-- name: change_row
SELECT change_id, action, target_kind, target, before, after, before_stored, after_stored
FROM catalog_changes WHERE change_id = $change_id;

-- name: figures_of_indicator
SELECT count(*) FROM observations WHERE indicator = $indicator;

-- name: figures_of_park
SELECT count(*) FROM observations WHERE park = $park;
