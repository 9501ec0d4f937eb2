DROP TABLE adjustments;
--bun:split
ALTER TABLE assignments
    DROP COLUMN hotline,
    DROP COLUMN channel,
    DROP COLUMN duplicate_of,
    DROP COLUMN returned_at,
    DROP COLUMN return_status,
    DROP COLUMN extended_due_at,
    DROP COLUMN accepted_at;
