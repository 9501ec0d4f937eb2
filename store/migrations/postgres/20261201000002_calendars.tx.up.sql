-- Working-day calendars a centre imports (SPEC §4): the YAML as given, one row per name.
CREATE TABLE calendars (
    name        TEXT        NOT NULL PRIMARY KEY,
    year        INTEGER     NOT NULL,
    source      TEXT        NOT NULL,
    sha256      TEXT        NOT NULL,
    replaces    BOOLEAN     NOT NULL DEFAULT false,
    imported_by TEXT        NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL
);
