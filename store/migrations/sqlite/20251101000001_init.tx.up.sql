-- Sanlv schema for SQLite: booleans are 0/1 INTEGER, times of record are TEXT (UTC, bun format),
-- assignment times are INTEGER Unix seconds (NULL = empty cell), enumerations are small integers.
CREATE TABLE import_batches (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('units', 'tickets')),
    file        TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    rows_read   INTEGER NOT NULL DEFAULT 0,
    inserted    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    invalid     INTEGER NOT NULL DEFAULT 0,
    actor       TEXT    NOT NULL,
    started_at  TEXT    NOT NULL,
    finished_at TEXT    NOT NULL
);
--bun:split
CREATE INDEX import_batches_sha256 ON import_batches (sha256);
--bun:split
CREATE TABLE units (
    code       TEXT    NOT NULL PRIMARY KEY,
    ordinal    INTEGER NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    group_name TEXT    NOT NULL,
    parent     TEXT    NOT NULL DEFAULT '',
    population INTEGER NOT NULL DEFAULT 0 CHECK (population >= 0),
    batch_id   INTEGER REFERENCES import_batches (id)
);
--bun:split
CREATE TABLE assignments (
    ticket_id            TEXT    NOT NULL,
    unit                 TEXT    NOT NULL REFERENCES units (code),
    role                 INTEGER NOT NULL CHECK (role BETWEEN 0 AND 1),
    kind                 INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 5),
    urgency              INTEGER NOT NULL CHECK (urgency BETWEEN 0 AND 3),
    resolution           INTEGER NOT NULL CHECK (resolution BETWEEN 0 AND 3),
    satisfaction         INTEGER NOT NULL CHECK (satisfaction BETWEEN 0 AND 5),
    contacted            INTEGER NOT NULL CHECK (contacted BETWEEN 0 AND 2),
    callback_valid       INTEGER NOT NULL CHECK (callback_valid IN (0, 1)),
    supervised           INTEGER NOT NULL CHECK (supervised IN (0, 1)),
    incomplete_materials INTEGER NOT NULL CHECK (incomplete_materials IN (0, 1)),
    opinion_incident     INTEGER NOT NULL CHECK (opinion_incident IN (0, 1)),
    excluded             INTEGER NOT NULL CHECK (excluded IN (0, 1)),
    exclude_reason       TEXT    NOT NULL DEFAULT '',
    redispatches         INTEGER NOT NULL CHECK (redispatches >= 0),
    received_at          INTEGER NOT NULL,
    dispatched_at        INTEGER NOT NULL,
    contacted_at         INTEGER,
    closed_at            INTEGER,
    due_at               INTEGER,
    category             TEXT    NOT NULL DEFAULT '',
    caller_phone         TEXT    NOT NULL DEFAULT '',
    batch_id             INTEGER NOT NULL, -- import_batches (id); no foreign key: it would cost a lookup a row
    PRIMARY KEY (ticket_id, unit)
);
--bun:split
CREATE INDEX assignments_closed_at ON assignments (closed_at);
--bun:split
CREATE INDEX assignments_received_at ON assignments (received_at);
--bun:split
CREATE INDEX assignments_unit_closed_at ON assignments (unit, closed_at);
--bun:split
CREATE TABLE overrides (
    ticket_id      TEXT    NOT NULL,
    unit           TEXT    NOT NULL,
    excluded       INTEGER CHECK (excluded IN (0, 1)),
    exclude_reason TEXT,
    contacted      INTEGER CHECK (contacted BETWEEN 0 AND 2),
    resolution     INTEGER CHECK (resolution BETWEEN 0 AND 3),
    satisfaction   INTEGER CHECK (satisfaction BETWEEN 0 AND 5),
    callback_valid INTEGER CHECK (callback_valid IN (0, 1)),
    updated_by     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, unit),
    FOREIGN KEY (ticket_id, unit) REFERENCES assignments (ticket_id, unit)
);
--bun:split
CREATE TABLE policies (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    version      TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    sha256       TEXT    NOT NULL,
    active       INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    created_by   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    activated_at TEXT,
    UNIQUE (name, version)
);
--bun:split
CREATE UNIQUE INDEX policies_one_active ON policies (name) WHERE active = 1;
--bun:split
CREATE TABLE editions (
    id             INTEGER PRIMARY KEY,
    period         TEXT    NOT NULL,
    number         INTEGER NOT NULL CHECK (number >= 1),
    policy_name    TEXT    NOT NULL,
    policy_version TEXT    NOT NULL,
    policy_sha256  TEXT    NOT NULL,
    input_digest   TEXT    NOT NULL,
    input_rows     INTEGER NOT NULL,
    card           TEXT    NOT NULL CHECK (json_valid(card)),
    published_by   TEXT    NOT NULL,
    published_at   TEXT    NOT NULL,
    UNIQUE (period, number)
);
--bun:split
CREATE TABLE appeals (
    id         INTEGER PRIMARY KEY,
    ticket_id  TEXT    NOT NULL,
    unit       TEXT    NOT NULL,
    reason     TEXT    NOT NULL CHECK (reason <> ''),
    status     TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    filed_by   TEXT    NOT NULL,
    filed_at   TEXT    NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    comment    TEXT    NOT NULL DEFAULT '',
    action     TEXT CHECK (action IS NULL OR json_valid(action)),
    FOREIGN KEY (ticket_id, unit) REFERENCES assignments (ticket_id, unit)
);
--bun:split
CREATE INDEX appeals_unit_status ON appeals (unit, status);
--bun:split
CREATE UNIQUE INDEX appeals_one_pending ON appeals (ticket_id, unit) WHERE status = 'pending';
--bun:split
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT    NOT NULL,
    actor      TEXT    NOT NULL,
    entity     TEXT    NOT NULL,
    entity_key TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    old_values TEXT CHECK (old_values IS NULL OR json_valid(old_values)),
    new_values TEXT CHECK (new_values IS NULL OR json_valid(new_values)),
    why        TEXT    NOT NULL DEFAULT '',
    batch_id   INTEGER REFERENCES import_batches (id)
);
--bun:split
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key);
--bun:split
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    role       TEXT    NOT NULL CHECK (role IN ('admin', 'committee', 'unit')),
    unit       TEXT REFERENCES units (code),
    hash       BLOB    NOT NULL UNIQUE,
    created_by TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    revoked_at TEXT,
    CHECK ((role = 'unit') = (unit IS NOT NULL))
);
