ALTER TABLE editions DROP COLUMN context;
