-- Working-day calendars a centre imports (SPEC §4): the YAML as given, one row per name.
CREATE TABLE calendars (
    name        TEXT    NOT NULL PRIMARY KEY,
    year        INTEGER NOT NULL,
    source      TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    replaces    INTEGER NOT NULL DEFAULT 0 CHECK (replaces IN (0, 1)),
    imported_by TEXT    NOT NULL,
    imported_at TEXT    NOT NULL
);
