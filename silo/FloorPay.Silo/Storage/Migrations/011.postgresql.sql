-- 011: Per-bank counts of issued and resolved instructions, kept by triggers, so outstanding needs no scan of the outbox
--
-- Outstanding = issued - resolved, per bank, without scanning the outbox. Issued and resolved are separate rows, so
-- a batch's instruction statement and its outcome statement never wait on each other's rows (no lock cycle).
-- Notices move no money and are never settled: they are counted on neither side.
CREATE TABLE floorpay_bank_instruction_counts (
    bank_id varchar(64) NOT NULL,
    side varchar(8) NOT NULL CHECK (side IN ('issued', 'resolved')),
    shard smallint NOT NULL,
    instructions bigint NOT NULL,
    amount bigint NOT NULL,
    PRIMARY KEY (bank_id, side, shard)
);
CREATE FUNCTION floorpay_count_issued() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO floorpay_bank_instruction_counts AS c (bank_id, side, shard, instructions, amount)
    SELECT bank_id, 'issued', (pg_backend_pid() % 16)::smallint, COUNT(*), SUM(amount)
    FROM added WHERE kind <> 'notice' GROUP BY bank_id ORDER BY bank_id
    ON CONFLICT (bank_id, side, shard) DO UPDATE SET
        instructions = c.instructions + EXCLUDED.instructions, amount = c.amount + EXCLUDED.amount;
    RETURN NULL;
END
$fn$;
CREATE FUNCTION floorpay_count_resolved() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO floorpay_bank_instruction_counts AS c (bank_id, side, shard, instructions, amount)
    SELECT i.bank_id, 'resolved', (pg_backend_pid() % 16)::smallint, COUNT(*), SUM(i.amount)
    FROM added o JOIN floorpay_instructions i ON i.instruction_id = o.instruction_id
    WHERE i.kind <> 'notice' GROUP BY i.bank_id ORDER BY i.bank_id
    ON CONFLICT (bank_id, side, shard) DO UPDATE SET
        instructions = c.instructions + EXCLUDED.instructions, amount = c.amount + EXCLUDED.amount;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER floorpay_instructions_count AFTER INSERT ON floorpay_instructions
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION floorpay_count_issued();
CREATE TRIGGER floorpay_instruction_outcomes_count AFTER INSERT ON floorpay_instruction_outcomes
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION floorpay_count_resolved();
INSERT INTO floorpay_bank_instruction_counts (bank_id, side, shard, instructions, amount)
SELECT bank_id, 'issued', 0, COUNT(*), SUM(amount) FROM floorpay_instructions WHERE kind <> 'notice' GROUP BY bank_id;
INSERT INTO floorpay_bank_instruction_counts (bank_id, side, shard, instructions, amount)
SELECT i.bank_id, 'resolved', 0, COUNT(*), SUM(i.amount)
FROM floorpay_instruction_outcomes o JOIN floorpay_instructions i ON i.instruction_id = o.instruction_id
WHERE i.kind <> 'notice' GROUP BY i.bank_id;
CREATE TRIGGER floorpay_bank_instruction_counts_no_delete BEFORE DELETE ON floorpay_bank_instruction_counts
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
