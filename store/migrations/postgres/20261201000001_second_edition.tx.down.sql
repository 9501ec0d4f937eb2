DROP TABLE adjustments;
--bun:split
DROP INDEX assignments_returned_at;
--bun:split
DROP INDEX assignments_extended_due_at;
--bun:split
ALTER TABLE assignments
    DROP COLUMN hotline,
    DROP COLUMN channel,
    DROP COLUMN duplicate_of,
    DROP COLUMN returned_at,
    DROP COLUMN return_status,
    DROP COLUMN extended_due_at,
    DROP COLUMN accepted_at;
