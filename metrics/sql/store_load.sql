-- Statements of Store.load, run in order inside one transaction. `incoming` is the registered
-- Arrow table of the file (OBS_COLUMNS; `latest_per_key` adds seq, the row order).

-- name: keys_distinct
-- True when no key is in the file twice: distinct hashes prove distinct keys (equal hashes prove
-- nothing, then `latest_per_key` decides). Cheaper than grouping by the five key columns.
SELECT count(DISTINCT hash(CAST(park AS VARCHAR), NULLIF(CAST(chain AS VARCHAR), ''), CAST(period_start AS DATE),
                           CAST(period_end AS DATE), CAST(indicator AS VARCHAR))) = count(*)
FROM incoming;

-- name: latest_per_key
-- The last row of each key (a key written twice in one file keeps its last figure).
CREATE OR REPLACE TEMP TABLE latest AS
SELECT max(seq) AS seq
FROM incoming
GROUP BY CAST(park AS VARCHAR), NULLIF(CAST(chain AS VARCHAR), ''), CAST(period_start AS DATE),
         CAST(period_end AS DATE), CAST(indicator AS VARCHAR);

-- name: keep_latest
CREATE OR REPLACE TEMP TABLE incoming_latest AS
SELECT i.* FROM incoming AS i SEMI JOIN latest USING (seq);

-- name: incoming_rows
-- The file's figures (one per key, from `incoming_latest`) with the columns and types of `observations`.
CREATE OR REPLACE TEMP VIEW incoming_rows AS
SELECT CAST(park AS VARCHAR)                         AS park,
       NULLIF(CAST(chain AS VARCHAR), '')            AS chain,
       CAST(period_start AS DATE)                    AS period_start,
       CAST(period_end AS DATE)                      AS period_end,
       CAST(indicator AS VARCHAR)                    AS indicator,
       CAST(value AS DOUBLE)                         AS value,
       coalesce(CAST(qualifier AS VARCHAR), 'exact') AS qualifier,
       coalesce(CAST(source AS VARCHAR), '')         AS source,
       coalesce(CAST(basis AS VARCHAR), 'reported')  AS basis,
       NULLIF(CAST(reference AS VARCHAR), '')        AS reference
FROM incoming_latest;

-- name: any_current
SELECT EXISTS (FROM observations);

-- name: park_current
-- Whether a current figure could have the key of one of the file's: it would share its park.
-- When none does (new parks only), every figure of the file is new.
SELECT EXISTS (FROM observations WHERE park IN (SELECT DISTINCT park FROM incoming_rows));

-- name: stage
-- The file's figures, each marked new, changed or equal, with the row of the current figure it meets.
CREATE OR REPLACE TEMP TABLE staged AS
SELECT i.*,
       CASE WHEN o.park IS NULL THEN 'new'
            WHEN o.value = i.value AND o.qualifier = i.qualifier AND o.basis = i.basis
                 AND o.reference IS NOT DISTINCT FROM i.reference THEN 'equal'
            ELSE 'changed' END AS change,
       o.rowid AS current_rowid
FROM incoming_rows AS i
LEFT JOIN observations AS o
       ON o.park = i.park AND o.chain IS NOT DISTINCT FROM i.chain
      AND o.period_start = i.period_start AND o.period_end = i.period_end
      AND o.indicator = i.indicator;

-- name: counts
SELECT count(*) FILTER (WHERE change = 'new')     AS rows_new,
       count(*) FILTER (WHERE change = 'changed') AS rows_replaced,
       count(*) FILTER (WHERE change = 'equal')   AS rows_unchanged
FROM staged;

-- name: same_file_loaded
-- The very same bytes are loaded and every figure of that load is still current (a later load or
-- restore has superseded none): loading them again would change nothing.
SELECT l.load_id, l.rows_loaded FROM loads AS l
WHERE l.content_sha256 = $sha256 AND l.status = 'loaded' AND l.kind = 'file'
  AND (SELECT count(*) FROM observations AS o WHERE o.load_id = l.load_id) = l.rows_loaded
ORDER BY l.load_id DESC LIMIT 1;

-- Ids are the next after the largest taken, read under the writer lock (the flock of a file, the
-- advisory lock of the shared store): DuckLake has no sequences, and rows of loads, history, audit and
-- catalog_changes are never deleted, so an id is never given twice.

-- name: next_load_id
SELECT coalesce(max(load_id), 0) + 1 FROM loads;

-- name: next_history_id
SELECT coalesce(max(history_id), 0) + 1 FROM observation_history;

-- name: collect_replaced
-- The current figures the file supersedes, found by rowid (stable within the transaction): the ones it
-- changes and the ones it restates with an equal value (the load then states them too, so that undoing
-- the earlier load leaves them in place).
CREATE OR REPLACE TEMP TABLE replaced AS
SELECT * FROM observations WHERE rowid IN (SELECT current_rowid FROM staged WHERE change <> 'new');

-- name: keep_replaced
-- History ids $first_id, $first_id + 1, ... (Store._insert_history: $first_id is `next_history_id`), in key
-- order: numbered by the order rows happen to come in, ids differed between DuckDB 1.4.4 and 2.0 plans.
INSERT INTO observation_history
SELECT $first_id - 1 + row_number() OVER (ORDER BY park, chain NULLS FIRST, period_start, period_end, indicator),
       park, chain, period_start, period_end, indicator,
       value, qualifier, source, basis, reference, load_id, $now, $load_id, 'load', false
FROM replaced;

-- name: drop_replaced
DELETE FROM observations WHERE rowid IN (SELECT current_rowid FROM staged WHERE change <> 'new');

-- name: insert_figures
INSERT INTO observations
SELECT park, chain, period_start, period_end, indicator, value, qualifier, source, basis, reference,
       $load_id
FROM staged;

-- name: insert_new_figures
-- Every figure of the file is new (no current figure shares a park with it): straight from the file.
INSERT INTO observations
SELECT park, chain, period_start, period_end, indicator, value, qualifier, source, basis, reference,
       $load_id
FROM incoming_rows;

-- name: record_load
INSERT INTO loads (load_id, file_name, content_sha256, kept_path, loaded_at, actor, status, rows_loaded,
                   rows_replaced, rows_unchanged, missing, totals_skipped, report_json, kind)
VALUES ($load_id, $file_name, $sha256, $kept_path, $now, $actor, 'loaded', $rows_loaded, $rows_replaced,
        $rows_unchanged, $missing, $totals_skipped, $report_json, 'file');
