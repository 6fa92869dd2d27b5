-- 011: Per-bank counts of issued and resolved instructions, kept by triggers, so outstanding needs no scan of the outbox
--
-- Outstanding = issued - resolved, per bank, without scanning the outbox. Issued and resolved are separate rows, so
-- a batch's instruction statement and its outcome statement never wait on each other's rows (no lock cycle).
-- Notices move no money and are never settled: they are counted on neither side.
CREATE TABLE floorpay_bank_instruction_counts (
    bank_id TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('issued', 'resolved')),
    shard INTEGER NOT NULL,
    instructions INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (bank_id, side, shard)
);
CREATE TRIGGER floorpay_instructions_count AFTER INSERT ON floorpay_instructions WHEN NEW.kind <> 'notice'
BEGIN
    INSERT INTO floorpay_bank_instruction_counts (bank_id, side, shard, instructions, amount)
    VALUES (NEW.bank_id, 'issued', 0, 1, NEW.amount)
    ON CONFLICT (bank_id, side, shard) DO UPDATE SET instructions = instructions + 1, amount = amount + excluded.amount;
END;
CREATE TRIGGER floorpay_instruction_outcomes_count AFTER INSERT ON floorpay_instruction_outcomes
BEGIN
    INSERT INTO floorpay_bank_instruction_counts (bank_id, side, shard, instructions, amount)
    SELECT i.bank_id, 'resolved', 0, 1, i.amount FROM floorpay_instructions i
    WHERE i.instruction_id = NEW.instruction_id AND i.kind <> 'notice'
    ON CONFLICT (bank_id, side, shard) DO UPDATE SET instructions = instructions + 1, amount = amount + excluded.amount;
END;
INSERT INTO floorpay_bank_instruction_counts (bank_id, side, shard, instructions, amount)
SELECT bank_id, 'issued', 0, COUNT(*), SUM(amount) FROM floorpay_instructions WHERE kind <> 'notice' GROUP BY bank_id;
INSERT INTO floorpay_bank_instruction_counts (bank_id, side, shard, instructions, amount)
SELECT i.bank_id, 'resolved', 0, COUNT(*), SUM(i.amount)
FROM floorpay_instruction_outcomes o JOIN floorpay_instructions i ON i.instruction_id = o.instruction_id
WHERE i.kind <> 'notice' GROUP BY i.bank_id;
CREATE TRIGGER floorpay_bank_instruction_counts_no_delete BEFORE DELETE ON floorpay_bank_instruction_counts
    BEGIN SELECT RAISE(ABORT, 'instruction counts follow the append-only outbox: they are never deleted'); END;
