ALTER TABLE editions DROP COLUMN points;
