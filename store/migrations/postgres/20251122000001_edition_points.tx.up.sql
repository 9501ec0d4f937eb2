-- A published edition freezes its 扣分明细 (every rule's points on every assignment) beside its card.
ALTER TABLE editions ADD COLUMN points JSON;
