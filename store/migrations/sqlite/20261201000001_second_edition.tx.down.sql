DROP TABLE adjustments;
--bun:split
ALTER TABLE assignments DROP COLUMN hotline;
--bun:split
ALTER TABLE assignments DROP COLUMN channel;
--bun:split
ALTER TABLE assignments DROP COLUMN duplicate_of;
--bun:split
ALTER TABLE assignments DROP COLUMN returned_at;
--bun:split
ALTER TABLE assignments DROP COLUMN return_status;
--bun:split
ALTER TABLE assignments DROP COLUMN extended_due_at;
--bun:split
ALTER TABLE assignments DROP COLUMN accepted_at;
