-- A published edition freezes what its bulletin prints beside the card and the 扣分明细: the period's
-- category counts and the previous period as it had gone out (card, name, category counts).
ALTER TABLE editions ADD COLUMN context JSON;
