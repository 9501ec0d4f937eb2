-- One counter, bumped in the same transaction by every write that changes scoring results (imports
-- that store rows, exclusions and corrections, policy activations, publishing), so that every process
-- serving the database agrees on when a cached live result is stale.
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
--bun:split
INSERT INTO data_version (id, version) VALUES (1, 1);
