-- Second edition (SPEC §13.1, §13.10): seven new ticket fields, and adjustments (加分, 扣分, 质量抽检).
ALTER TABLE assignments ADD COLUMN accepted_at INTEGER;
--bun:split
ALTER TABLE assignments ADD COLUMN extended_due_at INTEGER;
--bun:split
ALTER TABLE assignments ADD COLUMN return_status INTEGER NOT NULL DEFAULT 0 CHECK (return_status BETWEEN 0 AND 2);
--bun:split
ALTER TABLE assignments ADD COLUMN returned_at INTEGER;
--bun:split
ALTER TABLE assignments ADD COLUMN duplicate_of TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE assignments ADD COLUMN channel TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE assignments ADD COLUMN hotline TEXT NOT NULL DEFAULT '';
--bun:split
-- An adjustment is never deleted: a wrong one is revoked by a later record (revokes = its id) with the
-- opposite points, and the revoked record names its revocation (revoked_by).
CREATE TABLE adjustments (
    id         INTEGER PRIMARY KEY,
    unit       TEXT    NOT NULL REFERENCES units (code),
    period     TEXT    NOT NULL CHECK (period <> ''),
    label      TEXT    NOT NULL CHECK (label <> ''),
    points     REAL    NOT NULL,
    reason     TEXT    NOT NULL CHECK (reason <> ''),
    revokes    INTEGER REFERENCES adjustments (id),
    revoked_by INTEGER REFERENCES adjustments (id),
    created_by TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
--bun:split
CREATE INDEX adjustments_period_unit ON adjustments (period, unit);
--bun:split
CREATE UNIQUE INDEX adjustments_one_revocation ON adjustments (revokes) WHERE revokes IS NOT NULL;
