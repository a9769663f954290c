-- Store schema, version 2. Created on first open by metrics/store.py; every statement is idempotent.
-- No unique index on the observation key: its chain is NULL for whole-park figures (NULLs never
-- collide in a unique index), and the single writer (flock) keeps one row per key itself,
-- matching keys with `chain IS NOT DISTINCT FROM`.

CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER   NOT NULL,
    applied_at  TIMESTAMP NOT NULL
);

-- No sequences: ids are the next after the largest taken, under the writer lock (store_load.sql;
-- DuckLake has none). Files made before keep their load_id_seq, history_id_seq, audit_id_seq and
-- catalog_change_id_seq, unused.

-- Current figures: CONTRACT §1 columns, then the extensions basis and reference, then the load.
CREATE TABLE IF NOT EXISTS observations (
    park          VARCHAR NOT NULL,
    chain         VARCHAR,            -- NULL = a whole-park figure
    period_start  DATE    NOT NULL,
    period_end    DATE    NOT NULL,
    indicator     VARCHAR NOT NULL,
    value         DOUBLE  NOT NULL,
    qualifier     VARCHAR NOT NULL DEFAULT 'exact',
    source        VARCHAR NOT NULL DEFAULT '' USING COMPRESSION zstd,  -- unique per figure: zstd writes it faster and smaller
    basis         VARCHAR NOT NULL DEFAULT 'reported',
    reference     VARCHAR,
    load_id       BIGINT,
    CHECK (qualifier IN ('exact', 'at_least', 'approx')),
    CHECK (basis IN ('reported', 'illustrative'))
);

-- Values that were current once and were replaced (by a load, a restore or an undo).
CREATE TABLE IF NOT EXISTS observation_history (
    history_id        BIGINT    NOT NULL PRIMARY KEY,
    park              VARCHAR   NOT NULL,
    chain             VARCHAR,
    period_start      DATE      NOT NULL,
    period_end        DATE      NOT NULL,
    indicator         VARCHAR   NOT NULL,
    value             DOUBLE    NOT NULL,
    qualifier         VARCHAR   NOT NULL,
    source            VARCHAR   NOT NULL,
    basis             VARCHAR   NOT NULL,
    reference         VARCHAR,
    load_id           BIGINT,             -- the event (load or restore) that stated this value
    replaced_at       TIMESTAMP NOT NULL,
    replaced_by_load  BIGINT,             -- the load or restore that superseded it; NULL when an undo removed it
    replaced_by       VARCHAR   NOT NULL, -- 'load' | 'restore' | 'undo'
    restored          BOOLEAN   NOT NULL  -- made current again later (no DEFAULT false: DuckLake takes literals only)
);

CREATE TABLE IF NOT EXISTS loads (
    load_id         BIGINT    NOT NULL PRIMARY KEY,
    file_name       VARCHAR   NOT NULL,
    content_sha256  VARCHAR   NOT NULL,
    kept_path       VARCHAR,
    loaded_at       TIMESTAMP NOT NULL,
    actor           VARCHAR   NOT NULL,
    status          VARCHAR   NOT NULL,   -- 'loaded' | 'undone' (of a restore too: see `kind`)
    rows_loaded     BIGINT    NOT NULL,
    rows_replaced   BIGINT    NOT NULL,
    rows_unchanged  BIGINT    NOT NULL,
    missing         BIGINT    NOT NULL,
    totals_skipped  BIGINT    NOT NULL,
    report_json     VARCHAR   NOT NULL,
    CHECK (status IN ('loaded', 'undone'))
);

CREATE TABLE IF NOT EXISTS audit (
    audit_id  BIGINT    NOT NULL PRIMARY KEY,
    "at"      TIMESTAMP NOT NULL,   -- quoted: AT is a keyword
    actor     VARCHAR   NOT NULL,
    action    VARCHAR   NOT NULL,   -- 'load' | 'undo' | 'restore'
    detail    VARCHAR   NOT NULL,   -- JSON
    CHECK (action IN ('load', 'undo', 'restore'))
);

-- Version 2: a restore is an event like a load (one numbering, `load_id`), so that it can be undone
-- and a key's current value is always the latest load or restore not undone (docs/ARCHITECTURE.md,
-- "Which value is current"). Idempotent, so files of version 1 gain the columns on their next write.
ALTER TABLE loads ADD COLUMN IF NOT EXISTS kind VARCHAR DEFAULT 'file';  -- 'file' | 'restore'
ALTER TABLE loads ADD COLUMN IF NOT EXISTS restored_history_id BIGINT;  -- the history entry a restore brought back

-- Analysts' catalog (added to version 1 files by CREATE ... IF NOT EXISTS on their next write): indicators
-- and parks/regions added or edited on the dashboard, merged over the shipped TOML defaults
-- (metrics/catalog_entries.py). One current entry per id / name, kept unique by the single writer.
CREATE TABLE IF NOT EXISTS catalog_indicators (
    indicator_id    VARCHAR NOT NULL,
    entry           VARCHAR NOT NULL,   -- JSON: the keys of an [[indicator]] of metrics/indicators.toml
    created_change  BIGINT  NOT NULL,   -- the change that first stored it (the order of added indicators)
    change_id       BIGINT  NOT NULL    -- the change that wrote this entry
);

CREATE TABLE IF NOT EXISTS catalog_parks (
    name            VARCHAR NOT NULL,
    entry           VARCHAR NOT NULL,   -- JSON: the keys of a [[park]] of metrics/parks.toml (with kind)
    created_change  BIGINT  NOT NULL,
    change_id       BIGINT  NOT NULL
);

-- Every change of the analysts' catalog (the audit table's CHECK on action cannot be widened in old files).
CREATE TABLE IF NOT EXISTS catalog_changes (
    change_id      BIGINT    NOT NULL PRIMARY KEY,
    "at"           TIMESTAMP NOT NULL,
    actor          VARCHAR   NOT NULL,
    action         VARCHAR   NOT NULL,   -- 'add' | 'edit' | 'alias' | 'import' | 'revert'
    target_kind    VARCHAR   NOT NULL,   -- 'indicator' | 'park'
    target         VARCHAR   NOT NULL,   -- indicator id or park name
    before         VARCHAR,              -- JSON: the entry in effect before (NULL: there was none)
    after          VARCHAR,              -- JSON: the entry in effect after (NULL: none, a revert of an add)
    before_stored  BOOLEAN   NOT NULL,   -- before was a database entry (else the shipped default, or none)
    after_stored   BOOLEAN   NOT NULL,   -- after is a database entry (else the shipped default, or none)
    reverts        BIGINT,               -- the change this one reverts
    CHECK (target_kind IN ('indicator', 'park')),
    CHECK (action IN ('add', 'edit', 'alias', 'import', 'revert'))
);
