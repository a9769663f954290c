-- Read-only statements: what a load, an undo or a restore would change, before it runs (Store.preview,
-- Store.undo_preview, Store.restore_preview), and the figures plausibility checks compare with.
-- `preview_incoming` is the registered Arrow table of a file's figures (OBS_COLUMNS + seq, the row order).

-- name: preview_shares_park
-- Whether a current figure could meet one of the file's (it would share its park); when none does, every
-- figure of the file is new and `preview_met` need not run.
SELECT EXISTS (FROM observations WHERE park IN (SELECT DISTINCT CAST(park AS VARCHAR) FROM preview_incoming));

-- name: preview_met
-- The file's figures (one per key: Store.preview keeps the last of a key written twice) that meet a
-- current figure: unchanged as in store_load.sql `stage` (same value, qualifier, basis and reference),
-- else replaced, with the current figure's value, qualifier, basis, 出处, source and load (these only
-- for replaced ones), and whether a cited or reported figure would be replaced by one that is not.
WITH incoming AS (
    SELECT CAST(park AS VARCHAR)                         AS park,
           NULLIF(CAST(chain AS VARCHAR), '')            AS chain,
           CAST(period_start AS DATE)                    AS period_start,
           CAST(period_end AS DATE)                      AS period_end,
           CAST(indicator AS VARCHAR)                    AS indicator,
           CAST(value AS DOUBLE)                         AS value,
           coalesce(CAST(qualifier AS VARCHAR), 'exact') AS qualifier,
           coalesce(CAST(basis AS VARCHAR), 'reported')  AS basis,
           NULLIF(CAST(reference AS VARCHAR), '')        AS reference,
           seq
    FROM preview_incoming
),
met AS (
    SELECT i.seq, i.reference, i.basis,
           o.value = i.value AND o.qualifier = i.qualifier AND o.basis = i.basis
               AND o.reference IS NOT DISTINCT FROM i.reference AS equal,
           o.value AS old_value, o.qualifier AS old_qualifier, o.basis AS old_basis,
           o.reference AS old_reference, o.source AS old_source, o.load_id AS old_load_id
    FROM incoming AS i
    JOIN observations AS o
      ON o.park = i.park AND o.chain IS NOT DISTINCT FROM i.chain
     AND o.period_start = i.period_start AND o.period_end = i.period_end
     AND o.indicator = i.indicator
)
SELECT seq,
       equal                                                        AS unchanged,
       CASE WHEN NOT equal THEN old_value END                       AS old_value,
       CASE WHEN NOT equal THEN old_qualifier END                   AS old_qualifier,
       CASE WHEN NOT equal THEN old_basis END                       AS old_basis,
       CASE WHEN NOT equal THEN old_reference END                   AS old_reference,
       CASE WHEN NOT equal THEN old_source END                      AS old_source,
       CASE WHEN NOT equal THEN old_load_id END                     AS old_load_id,
       -- A cited or reported figure replaced by one that is not: the analyst must confirm it.
       NOT equal AND ((old_reference IS NOT NULL AND reference IS NULL)
                      OR (old_basis = 'reported' AND basis <> 'reported')) AS loses_citation
FROM met;

-- name: figures_at
-- Current figures at given keys (`figure_keys`: park, chain, indicator, period_start, period_end, k);
-- k numbers the asking figure, so one figure may ask for several periods.
SELECT k.k, o.period_start, o.period_end, o.value
FROM figure_keys AS k
JOIN observations AS o
  ON o.park = CAST(k.park AS VARCHAR) AND o.chain IS NOT DISTINCT FROM NULLIF(CAST(k.chain AS VARCHAR), '')
 AND o.indicator = CAST(k.indicator AS VARCHAR)
 AND o.period_start = CAST(k.period_start AS DATE) AND o.period_end = CAST(k.period_end AS DATE);

-- name: undo_preview
-- What Store.undo_load would do (store_edit.sql `undo_collect`, `undo_collect_brought_back`): the
-- event's figures still current are removed; for each of their keys, the figure stated by the latest
-- other event still in effect comes back (the undone event's own entries never qualify).
SELECT l.file_name,
       l.status,
       (SELECT count(*) FROM observations WHERE load_id = $load_id) AS removed,
       (SELECT count(*)
        FROM (SELECT * FROM observations WHERE load_id = $load_id) AS u
        WHERE EXISTS (
            SELECT 1
            FROM observation_history AS h
            WHERE h.park = u.park AND h.chain IS NOT DISTINCT FROM u.chain
              AND h.period_start = u.period_start AND h.period_end = u.period_end
              AND h.indicator = u.indicator
              AND h.load_id IS DISTINCT FROM $load_id
              AND NOT EXISTS (SELECT 1 FROM loads AS x WHERE x.load_id = h.load_id AND x.status = 'undone')))
           AS brought_back
FROM loads AS l
WHERE l.load_id = $load_id;

-- name: restore_preview
-- What Store.restore would do: the replaced value comes back (from its load's file), displacing the
-- current figure of its key, if any.
SELECT h.value, h.qualifier, l.file_name, o.value AS current_value, o.qualifier AS current_qualifier
FROM observation_history AS h
LEFT JOIN loads AS l ON l.load_id = h.load_id
LEFT JOIN observations AS o
       ON o.park = h.park AND o.chain IS NOT DISTINCT FROM h.chain
      AND o.period_start = h.period_start AND o.period_end = h.period_end
      AND o.indicator = h.indicator
WHERE h.history_id = $history_id;
