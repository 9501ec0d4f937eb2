DROP TABLE api_tokens;
--bun:split
DROP TABLE audit_log;
--bun:split
DROP TABLE appeals;
--bun:split
DROP TABLE editions;
--bun:split
DROP TABLE policies;
--bun:split
DROP TABLE overrides;
--bun:split
DROP TABLE assignments;
--bun:split
DROP TABLE units;
--bun:split
DROP TABLE import_batches;
