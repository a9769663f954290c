-- Statements of Store.load, run in order inside one transaction. `incoming` is the registered
-- Arrow table of the file (OBS_COLUMNS + seq, the row order).

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

-- name: stage
-- The file's figures (one per key, from `incoming_latest`), each marked new, changed or equal.
CREATE OR REPLACE TEMP TABLE staged AS
WITH incoming_rows AS (
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
    FROM incoming_latest
)
SELECT i.*,
       CASE WHEN o.park IS NULL THEN 'new'
            WHEN o.value = i.value AND o.qualifier = i.qualifier AND o.basis = i.basis
                 AND o.reference IS NOT DISTINCT FROM i.reference THEN 'equal'
            ELSE 'changed' END AS change
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
SELECT load_id, rows_loaded FROM loads
WHERE content_sha256 = $sha256 AND status = 'loaded'
ORDER BY load_id DESC LIMIT 1;

-- name: next_load_id
SELECT nextval('load_id_seq');

-- name: keep_replaced
INSERT INTO observation_history
SELECT nextval('history_id_seq'), o.park, o.chain, o.period_start, o.period_end, o.indicator,
       o.value, o.qualifier, o.source, o.basis, o.reference, o.load_id,
       $now, $load_id, 'load', false
FROM observations AS o
SEMI JOIN staged AS s
       ON s.change = 'changed'
      AND o.park = s.park AND o.chain IS NOT DISTINCT FROM s.chain
      AND o.period_start = s.period_start AND o.period_end = s.period_end
      AND o.indicator = s.indicator;

-- name: drop_replaced
DELETE FROM observations AS o
USING staged AS s
WHERE s.change = 'changed'
  AND o.park = s.park AND o.chain IS NOT DISTINCT FROM s.chain
  AND o.period_start = s.period_start AND o.period_end = s.period_end
  AND o.indicator = s.indicator;

-- name: insert_figures
INSERT INTO observations
SELECT park, chain, period_start, period_end, indicator, value, qualifier, source, basis, reference,
       $load_id
FROM staged
WHERE change <> 'equal';

-- name: record_load
INSERT INTO loads VALUES ($load_id, $file_name, $sha256, $kept_path, $now, $actor, 'loaded',
                          $rows_loaded, $rows_replaced, $rows_unchanged, $missing, $totals_skipped,
                          $report_json);
