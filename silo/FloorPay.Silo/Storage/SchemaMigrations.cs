namespace FloorPay.Silo.Storage;

/// <summary>The project's schema history, oldest first.</summary>
public static class SchemaMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "Orleans query table and grain state",
            Sqlite: """
                CREATE TABLE OrleansQuery (
                    QueryKey TEXT NOT NULL PRIMARY KEY,
                    QueryText TEXT NOT NULL
                );
                CREATE TABLE floorpay_grain_state (
                    service_id TEXT NOT NULL,
                    grain_type TEXT NOT NULL,
                    grain_n0 INTEGER NOT NULL,
                    grain_n1 INTEGER NOT NULL,
                    grain_key TEXT NOT NULL,
                    grain_hash INTEGER NOT NULL,
                    grain_type_hash INTEGER NOT NULL,
                    payload BLOB NULL,
                    version INTEGER NOT NULL,
                    modified_at TEXT NOT NULL,
                    PRIMARY KEY (service_id, grain_type, grain_n0, grain_n1, grain_key)
                );
                """,
            PostgreSql: """
                CREATE TABLE OrleansQuery (
                    QueryKey varchar(64) NOT NULL PRIMARY KEY,
                    QueryText text NOT NULL
                );
                CREATE TABLE floorpay_grain_state (
                    service_id varchar(150) NOT NULL,
                    grain_type varchar(512) NOT NULL,
                    grain_n0 bigint NOT NULL,
                    grain_n1 bigint NOT NULL,
                    grain_key varchar(512) NOT NULL,
                    grain_hash integer NOT NULL,
                    grain_type_hash integer NOT NULL,
                    payload bytea NULL,
                    version integer NOT NULL,
                    modified_at timestamptz NOT NULL,
                    PRIMARY KEY (service_id, grain_type, grain_n0, grain_n1, grain_key)
                );
                """),
        new(2, "Append-only payout ledger: payouts and their balanced journal legs",
            Sqlite: """
                CREATE TABLE floorpay_payouts (
                    payout_id TEXT NOT NULL PRIMARY KEY,
                    citizen_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('floor', 'dividend', 'correction')),
                    slot TEXT NOT NULL,
                    period TEXT NOT NULL,
                    amount INTEGER NOT NULL CHECK (amount >= 0),
                    currency TEXT NOT NULL,
                    reason_code TEXT NOT NULL,
                    region_id TEXT NOT NULL,
                    bank_id TEXT NOT NULL,
                    account_token TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    enrollment INTEGER NOT NULL CHECK (enrollment IN (0, 1)),
                    paid_at_ticks INTEGER NOT NULL,
                    UNIQUE (citizen_id, kind, slot),
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE UNIQUE INDEX floorpay_payouts_one_enrollment ON floorpay_payouts (citizen_id) WHERE enrollment = 1;
                CREATE TABLE floorpay_journal (
                    posting_id TEXT NOT NULL,
                    leg INTEGER NOT NULL,
                    account TEXT NOT NULL,
                    amount INTEGER NOT NULL,
                    PRIMARY KEY (posting_id, leg)
                );
                CREATE TRIGGER floorpay_payouts_no_update BEFORE UPDATE ON floorpay_payouts
                    BEGIN SELECT RAISE(ABORT, 'the payout ledger is append-only: post a correcting entry instead'); END;
                CREATE TRIGGER floorpay_payouts_no_delete BEFORE DELETE ON floorpay_payouts
                    BEGIN SELECT RAISE(ABORT, 'the payout ledger is append-only: post a correcting entry instead'); END;
                CREATE TRIGGER floorpay_journal_no_update BEFORE UPDATE ON floorpay_journal
                    BEGIN SELECT RAISE(ABORT, 'the payout ledger is append-only: post a correcting entry instead'); END;
                CREATE TRIGGER floorpay_journal_no_delete BEFORE DELETE ON floorpay_journal
                    BEGIN SELECT RAISE(ABORT, 'the payout ledger is append-only: post a correcting entry instead'); END;
                """,
            PostgreSql: """
                CREATE TABLE floorpay_payouts (
                    payout_id varchar(200) NOT NULL PRIMARY KEY,
                    citizen_id varchar(64) NOT NULL,
                    kind varchar(16) NOT NULL CHECK (kind IN ('floor', 'dividend', 'correction')),
                    slot varchar(32) NOT NULL,
                    period varchar(16) NOT NULL,
                    amount bigint NOT NULL CHECK (amount >= 0),
                    currency varchar(3) NOT NULL,
                    reason_code varchar(128) NOT NULL,
                    region_id varchar(64) NOT NULL,
                    bank_id varchar(64) NOT NULL,
                    account_token varchar(64) NOT NULL,
                    idempotency_key varchar(64) NOT NULL,
                    fingerprint varchar(64) NOT NULL,
                    enrollment boolean NOT NULL,
                    paid_at_ticks bigint NOT NULL,
                    committed_at timestamptz NOT NULL DEFAULT now(),
                    UNIQUE (citizen_id, kind, slot),
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE UNIQUE INDEX floorpay_payouts_one_enrollment ON floorpay_payouts (citizen_id) WHERE enrollment;
                CREATE TABLE floorpay_journal (
                    posting_id varchar(200) NOT NULL,
                    leg smallint NOT NULL,
                    account varchar(128) NOT NULL,
                    amount bigint NOT NULL,
                    PRIMARY KEY (posting_id, leg)
                );
                CREATE FUNCTION floorpay_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    RAISE EXCEPTION 'the payout ledger is append-only: post a correcting entry instead';
                END
                $fn$;
                CREATE TRIGGER floorpay_payouts_append_only BEFORE UPDATE OR DELETE ON floorpay_payouts
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                CREATE TRIGGER floorpay_journal_append_only BEFORE UPDATE OR DELETE ON floorpay_journal
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                """),
        new(3, "Cluster membership and reminders (PostgreSQL clusters only)",
            Sqlite: "SELECT 1; -- the single node uses localhost clustering and no reminders",
            PostgreSql: """
                CREATE TABLE floorpay_membership_version (
                    deployment_id varchar(150) NOT NULL PRIMARY KEY,
                    version integer NOT NULL,
                    modified_at timestamptz NOT NULL
                );
                CREATE TABLE floorpay_membership (
                    deployment_id varchar(150) NOT NULL REFERENCES floorpay_membership_version (deployment_id),
                    address varchar(45) NOT NULL,
                    port integer NOT NULL,
                    generation integer NOT NULL,
                    silo_name varchar(150) NOT NULL,
                    host_name varchar(150) NOT NULL,
                    status integer NOT NULL,
                    proxy_port integer NULL,
                    suspect_times varchar(8000) NULL,
                    start_time timestamptz NOT NULL,
                    i_am_alive_time timestamptz NOT NULL,
                    PRIMARY KEY (deployment_id, address, port, generation)
                );
                CREATE TABLE floorpay_reminders (
                    service_id varchar(150) NOT NULL,
                    grain_id varchar(1024) NOT NULL,
                    reminder_name varchar(150) NOT NULL,
                    start_time timestamptz NOT NULL,
                    period bigint NOT NULL,
                    grain_hash integer NOT NULL,
                    version integer NOT NULL,
                    PRIMARY KEY (service_id, grain_id, reminder_name)
                );
                CREATE INDEX floorpay_reminders_by_hash ON floorpay_reminders (service_id, grain_hash);
                """),
        new(4, "Append-only civic records: contributions and exemptions",
            Sqlite: """
                CREATE TABLE floorpay_contributions (
                    contribution_id TEXT NOT NULL PRIMARY KEY,
                    citizen_id TEXT NOT NULL,
                    category TEXT NOT NULL,
                    minutes INTEGER NOT NULL CHECK (minutes > 0),
                    period TEXT NOT NULL,
                    platform_id TEXT NOT NULL,
                    reason_code TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    recorded_at_ticks INTEGER NOT NULL,
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE TABLE floorpay_exemptions (
                    exemption_id TEXT NOT NULL PRIMARY KEY,
                    citizen_id TEXT NOT NULL,
                    category TEXT NOT NULL,
                    evidence_reference TEXT NOT NULL,
                    granted_at_ticks INTEGER NOT NULL,
                    expires_at_ticks INTEGER NOT NULL,
                    reviewer_id TEXT NOT NULL,
                    reason_code TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE TRIGGER floorpay_contributions_no_update BEFORE UPDATE ON floorpay_contributions
                    BEGIN SELECT RAISE(ABORT, 'civic records are append-only'); END;
                CREATE TRIGGER floorpay_contributions_no_delete BEFORE DELETE ON floorpay_contributions
                    BEGIN SELECT RAISE(ABORT, 'civic records are append-only'); END;
                CREATE TRIGGER floorpay_exemptions_no_update BEFORE UPDATE ON floorpay_exemptions
                    BEGIN SELECT RAISE(ABORT, 'civic records are append-only'); END;
                CREATE TRIGGER floorpay_exemptions_no_delete BEFORE DELETE ON floorpay_exemptions
                    BEGIN SELECT RAISE(ABORT, 'civic records are append-only'); END;
                """,
            PostgreSql: """
                CREATE TABLE floorpay_contributions (
                    contribution_id varchar(200) NOT NULL PRIMARY KEY,
                    citizen_id varchar(64) NOT NULL,
                    category varchar(64) NOT NULL,
                    minutes integer NOT NULL CHECK (minutes > 0),
                    period varchar(16) NOT NULL,
                    platform_id varchar(64) NOT NULL,
                    reason_code varchar(128) NOT NULL,
                    idempotency_key varchar(64) NOT NULL,
                    fingerprint varchar(64) NOT NULL,
                    recorded_at_ticks bigint NOT NULL,
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE TABLE floorpay_exemptions (
                    exemption_id varchar(200) NOT NULL PRIMARY KEY,
                    citizen_id varchar(64) NOT NULL,
                    category varchar(64) NOT NULL,
                    evidence_reference varchar(64) NOT NULL,
                    granted_at_ticks bigint NOT NULL,
                    expires_at_ticks bigint NOT NULL,
                    reviewer_id varchar(64) NOT NULL,
                    reason_code varchar(128) NOT NULL,
                    idempotency_key varchar(64) NOT NULL,
                    fingerprint varchar(64) NOT NULL,
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE TRIGGER floorpay_contributions_append_only BEFORE UPDATE OR DELETE ON floorpay_contributions
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                CREATE TRIGGER floorpay_exemptions_append_only BEFORE UPDATE OR DELETE ON floorpay_exemptions
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                """),
        new(5, "Index of enrollments by instant, for dividend eligibility counts",
            Sqlite: "CREATE INDEX floorpay_payouts_enrollments ON floorpay_payouts (paid_at_ticks) WHERE enrollment = 1;",
            PostgreSql: "CREATE INDEX floorpay_payouts_enrollments ON floorpay_payouts (paid_at_ticks) WHERE enrollment;"),
        new(6, "Append-only appeals and their resolutions (one per appeal)",
            Sqlite: """
                CREATE TABLE floorpay_appeals (
                    appeal_id TEXT NOT NULL PRIMARY KEY,
                    citizen_id TEXT NOT NULL,
                    decision_id TEXT NOT NULL,
                    ground TEXT NOT NULL,
                    evidence_reference TEXT NULL,
                    filed_by TEXT NOT NULL,
                    filed_at_ticks INTEGER NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE TABLE floorpay_appeal_resolutions (
                    appeal_id TEXT NOT NULL PRIMARY KEY REFERENCES floorpay_appeals (appeal_id),
                    citizen_id TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('upheld', 'rejected')),
                    reason TEXT NOT NULL,
                    corrective_amount INTEGER NOT NULL CHECK (corrective_amount >= 0),
                    reviewer_id TEXT NOT NULL,
                    resolved_at_ticks INTEGER NOT NULL,
                    reason_code TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE TRIGGER floorpay_appeals_no_update BEFORE UPDATE ON floorpay_appeals
                    BEGIN SELECT RAISE(ABORT, 'appeals are append-only'); END;
                CREATE TRIGGER floorpay_appeals_no_delete BEFORE DELETE ON floorpay_appeals
                    BEGIN SELECT RAISE(ABORT, 'appeals are append-only'); END;
                CREATE TRIGGER floorpay_appeal_resolutions_no_update BEFORE UPDATE ON floorpay_appeal_resolutions
                    BEGIN SELECT RAISE(ABORT, 'appeals are append-only'); END;
                CREATE TRIGGER floorpay_appeal_resolutions_no_delete BEFORE DELETE ON floorpay_appeal_resolutions
                    BEGIN SELECT RAISE(ABORT, 'appeals are append-only'); END;
                """,
            PostgreSql: """
                CREATE TABLE floorpay_appeals (
                    appeal_id varchar(200) NOT NULL PRIMARY KEY,
                    citizen_id varchar(64) NOT NULL,
                    decision_id varchar(200) NOT NULL,
                    ground varchar(64) NOT NULL,
                    evidence_reference varchar(64) NULL,
                    filed_by varchar(64) NOT NULL,
                    filed_at_ticks bigint NOT NULL,
                    idempotency_key varchar(64) NOT NULL,
                    fingerprint varchar(64) NOT NULL,
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE TABLE floorpay_appeal_resolutions (
                    appeal_id varchar(200) NOT NULL PRIMARY KEY REFERENCES floorpay_appeals (appeal_id),
                    citizen_id varchar(64) NOT NULL,
                    outcome varchar(16) NOT NULL CHECK (outcome IN ('upheld', 'rejected')),
                    reason varchar(500) NOT NULL,
                    corrective_amount bigint NOT NULL CHECK (corrective_amount >= 0),
                    reviewer_id varchar(64) NOT NULL,
                    resolved_at_ticks bigint NOT NULL,
                    reason_code varchar(128) NOT NULL,
                    idempotency_key varchar(64) NOT NULL,
                    fingerprint varchar(64) NOT NULL,
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE TRIGGER floorpay_appeals_append_only BEFORE UPDATE OR DELETE ON floorpay_appeals
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                CREATE TRIGGER floorpay_appeal_resolutions_append_only BEFORE UPDATE OR DELETE ON floorpay_appeal_resolutions
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                """),
        new(7, "Payment rails: per-bank instruction outbox with gap-free sequences, settlement outcomes, account changes, fraud flags",
            Sqlite: """
                CREATE TABLE floorpay_bank_sequences (
                    bank_id TEXT NOT NULL PRIMARY KEY,
                    last_sequence INTEGER NOT NULL
                );
                CREATE TABLE floorpay_instructions (
                    instruction_id TEXT NOT NULL PRIMARY KEY,
                    bank_id TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('floor', 'dividend', 'correction', 'notice')),
                    payout_id TEXT NULL,
                    citizen_id TEXT NOT NULL,
                    account_token TEXT NOT NULL,
                    amount INTEGER NOT NULL CHECK (amount >= 0),
                    currency TEXT NOT NULL,
                    period TEXT NOT NULL,
                    reason_code TEXT NOT NULL,
                    reissue_of TEXT NULL UNIQUE,
                    issued_at_ticks INTEGER NOT NULL,
                    UNIQUE (bank_id, sequence)
                );
                CREATE INDEX floorpay_instructions_by_citizen ON floorpay_instructions (citizen_id);
                CREATE INDEX floorpay_instructions_by_payout ON floorpay_instructions (payout_id);
                CREATE INDEX floorpay_instructions_by_day ON floorpay_instructions (bank_id, issued_at_ticks);
                CREATE TABLE floorpay_instruction_outcomes (
                    instruction_id TEXT NOT NULL PRIMARY KEY REFERENCES floorpay_instructions (instruction_id),
                    bank_id TEXT NOT NULL,
                    citizen_id TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('settled', 'returned')),
                    reason TEXT NOT NULL,
                    amount INTEGER NOT NULL,
                    recorded_at_ticks INTEGER NOT NULL
                );
                CREATE INDEX floorpay_outcomes_by_citizen ON floorpay_instruction_outcomes (citizen_id);
                CREATE INDEX floorpay_outcomes_returned ON floorpay_instruction_outcomes (recorded_at_ticks) WHERE outcome = 'returned';
                CREATE INDEX floorpay_outcomes_by_day ON floorpay_instruction_outcomes (bank_id, recorded_at_ticks);
                CREATE TABLE floorpay_account_changes (
                    change_id TEXT NOT NULL PRIMARY KEY,
                    citizen_id TEXT NOT NULL,
                    bank_id TEXT NOT NULL,
                    account_token TEXT NOT NULL,
                    previous_bank_id TEXT NOT NULL,
                    previous_account_token TEXT NOT NULL,
                    requested_by TEXT NOT NULL,
                    requested_at_ticks INTEGER NOT NULL,
                    effective_at_ticks INTEGER NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE INDEX floorpay_account_changes_by_account ON floorpay_account_changes (bank_id, account_token);
                CREATE INDEX floorpay_account_changes_by_citizen ON floorpay_account_changes (citizen_id);
                CREATE INDEX floorpay_enrollments_by_account ON floorpay_payouts (bank_id, account_token) WHERE enrollment = 1;
                CREATE TABLE floorpay_fraud_flags (
                    bank_id TEXT NOT NULL,
                    account_token TEXT NOT NULL,
                    citizen_count INTEGER NOT NULL,
                    raised_by_change TEXT NOT NULL,
                    raised_at_ticks INTEGER NOT NULL,
                    PRIMARY KEY (bank_id, account_token)
                );
                CREATE TRIGGER floorpay_instructions_no_update BEFORE UPDATE ON floorpay_instructions
                    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
                CREATE TRIGGER floorpay_instructions_no_delete BEFORE DELETE ON floorpay_instructions
                    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
                CREATE TRIGGER floorpay_outcomes_no_update BEFORE UPDATE ON floorpay_instruction_outcomes
                    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
                CREATE TRIGGER floorpay_outcomes_no_delete BEFORE DELETE ON floorpay_instruction_outcomes
                    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
                CREATE TRIGGER floorpay_account_changes_no_update BEFORE UPDATE ON floorpay_account_changes
                    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
                CREATE TRIGGER floorpay_account_changes_no_delete BEFORE DELETE ON floorpay_account_changes
                    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
                CREATE TRIGGER floorpay_fraud_flags_no_update BEFORE UPDATE ON floorpay_fraud_flags
                    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
                CREATE TRIGGER floorpay_fraud_flags_no_delete BEFORE DELETE ON floorpay_fraud_flags
                    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
                """,
            PostgreSql: """
                CREATE TABLE floorpay_bank_sequences (
                    bank_id varchar(64) NOT NULL PRIMARY KEY,
                    last_sequence bigint NOT NULL
                );
                CREATE TABLE floorpay_instructions (
                    instruction_id varchar(200) NOT NULL PRIMARY KEY,
                    bank_id varchar(64) NOT NULL,
                    sequence bigint NOT NULL,
                    kind varchar(16) NOT NULL CHECK (kind IN ('floor', 'dividend', 'correction', 'notice')),
                    payout_id varchar(200) NULL,
                    citizen_id varchar(64) NOT NULL,
                    account_token varchar(64) NOT NULL,
                    amount bigint NOT NULL CHECK (amount >= 0),
                    currency varchar(3) NOT NULL,
                    period varchar(16) NOT NULL,
                    reason_code varchar(128) NOT NULL,
                    reissue_of varchar(200) NULL UNIQUE,
                    issued_at_ticks bigint NOT NULL,
                    UNIQUE (bank_id, sequence)
                );
                CREATE INDEX floorpay_instructions_by_citizen ON floorpay_instructions (citizen_id);
                CREATE INDEX floorpay_instructions_by_payout ON floorpay_instructions (payout_id);
                CREATE INDEX floorpay_instructions_by_day ON floorpay_instructions (bank_id, issued_at_ticks);
                CREATE TABLE floorpay_instruction_outcomes (
                    instruction_id varchar(200) NOT NULL PRIMARY KEY REFERENCES floorpay_instructions (instruction_id),
                    bank_id varchar(64) NOT NULL,
                    citizen_id varchar(64) NOT NULL,
                    outcome varchar(16) NOT NULL CHECK (outcome IN ('settled', 'returned')),
                    reason varchar(64) NOT NULL,
                    amount bigint NOT NULL,
                    recorded_at_ticks bigint NOT NULL
                );
                CREATE INDEX floorpay_outcomes_by_citizen ON floorpay_instruction_outcomes (citizen_id);
                CREATE INDEX floorpay_outcomes_returned ON floorpay_instruction_outcomes (recorded_at_ticks) WHERE outcome = 'returned';
                CREATE INDEX floorpay_outcomes_by_day ON floorpay_instruction_outcomes (bank_id, recorded_at_ticks);
                CREATE TABLE floorpay_account_changes (
                    change_id varchar(200) NOT NULL PRIMARY KEY,
                    citizen_id varchar(64) NOT NULL,
                    bank_id varchar(64) NOT NULL,
                    account_token varchar(64) NOT NULL,
                    previous_bank_id varchar(64) NOT NULL,
                    previous_account_token varchar(64) NOT NULL,
                    requested_by varchar(64) NOT NULL,
                    requested_at_ticks bigint NOT NULL,
                    effective_at_ticks bigint NOT NULL,
                    idempotency_key varchar(64) NOT NULL,
                    fingerprint varchar(64) NOT NULL,
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE INDEX floorpay_account_changes_by_account ON floorpay_account_changes (bank_id, account_token);
                CREATE INDEX floorpay_account_changes_by_citizen ON floorpay_account_changes (citizen_id);
                CREATE INDEX floorpay_enrollments_by_account ON floorpay_payouts (bank_id, account_token) WHERE enrollment;
                CREATE TABLE floorpay_fraud_flags (
                    bank_id varchar(64) NOT NULL,
                    account_token varchar(64) NOT NULL,
                    citizen_count integer NOT NULL,
                    raised_by_change varchar(200) NOT NULL,
                    raised_at_ticks bigint NOT NULL,
                    PRIMARY KEY (bank_id, account_token)
                );
                CREATE TRIGGER floorpay_instructions_append_only BEFORE UPDATE OR DELETE ON floorpay_instructions
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                CREATE TRIGGER floorpay_outcomes_append_only BEFORE UPDATE OR DELETE ON floorpay_instruction_outcomes
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                CREATE TRIGGER floorpay_account_changes_append_only BEFORE UPDATE OR DELETE ON floorpay_account_changes
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                CREATE TRIGGER floorpay_fraud_flags_append_only BEFORE UPDATE OR DELETE ON floorpay_fraud_flags
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                """),
        new(8, "Hash bucket of each citizen on its payouts, so the payday run reads enrollments slice by slice",
            Sqlite: """
                ALTER TABLE floorpay_payouts ADD COLUMN bucket INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX floorpay_enrollments_by_bucket ON floorpay_payouts (bucket, citizen_id) WHERE enrollment = 1;
                """,
            PostgreSql: """
                ALTER TABLE floorpay_payouts ADD COLUMN bucket smallint NOT NULL DEFAULT 0;
                CREATE INDEX floorpay_enrollments_by_bucket ON floorpay_payouts (bucket, citizen_id) WHERE enrollment;
                """),
        new(9, "Leaner instruction indexes: none by payout (never queried), re-issue uniqueness only where there is one",
            Sqlite: "DROP INDEX floorpay_instructions_by_payout;",
            PostgreSql: """
                DROP INDEX floorpay_instructions_by_payout;
                ALTER TABLE floorpay_instructions DROP CONSTRAINT floorpay_instructions_reissue_of_key;
                CREATE UNIQUE INDEX floorpay_instructions_one_reissue ON floorpay_instructions (reissue_of) WHERE reissue_of IS NOT NULL;
                """),
        // The ledger counts its own payouts in the inserting transaction, so region and fund aggregates cannot lose a
        // payout to a silo crash. Creating the trigger locks out inserts until the backfill below commits: none is missed.
        new(10, "Region tallies of payouts and enrollments, kept by a trigger in the transaction that inserts the payouts",
            Sqlite: """
                CREATE TABLE floorpay_region_tallies (
                    region_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    period TEXT NOT NULL,
                    shard INTEGER NOT NULL,
                    payouts INTEGER NOT NULL,
                    amount INTEGER NOT NULL,
                    enrollments INTEGER NOT NULL,
                    PRIMARY KEY (region_id, kind, period, shard)
                );
                CREATE TRIGGER floorpay_payouts_tally AFTER INSERT ON floorpay_payouts
                BEGIN
                    INSERT INTO floorpay_region_tallies (region_id, kind, period, shard, payouts, amount, enrollments)
                    VALUES (NEW.region_id, NEW.kind, NEW.period, 0, 1, NEW.amount, NEW.enrollment)
                    ON CONFLICT (region_id, kind, period, shard) DO UPDATE SET
                        payouts = payouts + 1, amount = amount + excluded.amount, enrollments = enrollments + excluded.enrollments;
                END;
                INSERT INTO floorpay_region_tallies (region_id, kind, period, shard, payouts, amount, enrollments)
                SELECT region_id, kind, period, 0, COUNT(*), SUM(amount), SUM(enrollment) FROM floorpay_payouts GROUP BY region_id, kind, period;
                CREATE TRIGGER floorpay_region_tallies_no_delete BEFORE DELETE ON floorpay_region_tallies
                    BEGIN SELECT RAISE(ABORT, 'region tallies follow the append-only ledger: they are never deleted'); END;
                """,
            // One row per (region, kind, period) and shard: concurrent transactions mostly add to different shards (by
            // server process), so a hot region does not serialize every commit on one row. Rows are locked in key order.
            PostgreSql: """
                CREATE TABLE floorpay_region_tallies (
                    region_id varchar(64) NOT NULL,
                    kind varchar(16) NOT NULL,
                    period varchar(16) NOT NULL,
                    shard smallint NOT NULL,
                    payouts bigint NOT NULL,
                    amount bigint NOT NULL,
                    enrollments bigint NOT NULL,
                    PRIMARY KEY (region_id, kind, period, shard)
                );
                CREATE FUNCTION floorpay_tally_payouts() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    INSERT INTO floorpay_region_tallies AS t (region_id, kind, period, shard, payouts, amount, enrollments)
                    SELECT region_id, kind, period, (pg_backend_pid() % 16)::smallint, COUNT(*), SUM(amount), COUNT(*) FILTER (WHERE enrollment)
                    FROM added GROUP BY region_id, kind, period ORDER BY region_id, kind, period
                    ON CONFLICT (region_id, kind, period, shard) DO UPDATE SET
                        payouts = t.payouts + EXCLUDED.payouts, amount = t.amount + EXCLUDED.amount, enrollments = t.enrollments + EXCLUDED.enrollments;
                    RETURN NULL;
                END
                $fn$;
                CREATE TRIGGER floorpay_payouts_tally AFTER INSERT ON floorpay_payouts
                    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION floorpay_tally_payouts();
                INSERT INTO floorpay_region_tallies (region_id, kind, period, shard, payouts, amount, enrollments)
                SELECT region_id, kind, period, 0, COUNT(*), SUM(amount), COUNT(*) FILTER (WHERE enrollment)
                FROM floorpay_payouts GROUP BY region_id, kind, period;
                CREATE TRIGGER floorpay_region_tallies_no_delete BEFORE DELETE ON floorpay_region_tallies
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                """),
        // Outstanding = issued - resolved, per bank, without scanning the outbox. Issued and resolved are separate rows, so
        // a batch's instruction statement and its outcome statement never wait on each other's rows (no lock cycle).
        // Notices move no money and are never settled: they are counted on neither side.
        new(11, "Per-bank counts of issued and resolved instructions, kept by triggers, so outstanding needs no scan of the outbox",
            Sqlite: """
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
                """,
            PostgreSql: """
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
                """),
        // Rule 9: a correction above one floor amount (the limit the resolving reviewer saw, kept on the resolution) is
        // paid only on a second, different reviewer's approval; each approval is an append-only record, one per appeal.
        new(12, "Correction limits on resolutions and second-reviewer approvals of larger corrections",
            Sqlite: """
                ALTER TABLE floorpay_appeal_resolutions ADD COLUMN correction_limit INTEGER NULL;
                CREATE TABLE floorpay_correction_approvals (
                    appeal_id TEXT NOT NULL PRIMARY KEY REFERENCES floorpay_appeal_resolutions (appeal_id),
                    citizen_id TEXT NOT NULL,
                    reviewer_id TEXT NOT NULL,
                    approved_at_ticks INTEGER NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE TRIGGER floorpay_correction_approvals_no_update BEFORE UPDATE ON floorpay_correction_approvals
                    BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
                CREATE TRIGGER floorpay_correction_approvals_no_delete BEFORE DELETE ON floorpay_correction_approvals
                    BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
                """,
            PostgreSql: """
                ALTER TABLE floorpay_appeal_resolutions ADD COLUMN correction_limit bigint NULL;
                CREATE TABLE floorpay_correction_approvals (
                    appeal_id varchar(200) NOT NULL PRIMARY KEY REFERENCES floorpay_appeal_resolutions (appeal_id),
                    citizen_id varchar(64) NOT NULL,
                    reviewer_id varchar(64) NOT NULL,
                    approved_at_ticks bigint NOT NULL,
                    idempotency_key varchar(64) NOT NULL,
                    fingerprint varchar(64) NOT NULL,
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE TRIGGER floorpay_correction_approvals_append_only BEFORE UPDATE OR DELETE ON floorpay_correction_approvals
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                """),
        // Rule 11: moving a citizen to another bank is a release by the bank holding the account, then a claim by the
        // named bank within a window. Releases are append-only records.
        new(13, "Releases of account holders to another bank (the first step of a bank transfer)",
            Sqlite: """
                CREATE TABLE floorpay_account_releases (
                    release_id TEXT NOT NULL PRIMARY KEY,
                    citizen_id TEXT NOT NULL,
                    from_bank_id TEXT NOT NULL,
                    to_bank_id TEXT NOT NULL,
                    released_at_ticks INTEGER NOT NULL,
                    expires_at_ticks INTEGER NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE INDEX floorpay_account_releases_citizen ON floorpay_account_releases (citizen_id);
                CREATE TRIGGER floorpay_account_releases_no_update BEFORE UPDATE ON floorpay_account_releases
                    BEGIN SELECT RAISE(ABORT, 'releases are append-only'); END;
                CREATE TRIGGER floorpay_account_releases_no_delete BEFORE DELETE ON floorpay_account_releases
                    BEGIN SELECT RAISE(ABORT, 'releases are append-only'); END;
                """,
            PostgreSql: """
                CREATE TABLE floorpay_account_releases (
                    release_id varchar(200) NOT NULL PRIMARY KEY,
                    citizen_id varchar(64) NOT NULL,
                    from_bank_id varchar(64) NOT NULL,
                    to_bank_id varchar(64) NOT NULL,
                    released_at_ticks bigint NOT NULL,
                    expires_at_ticks bigint NOT NULL,
                    idempotency_key varchar(64) NOT NULL,
                    fingerprint varchar(64) NOT NULL,
                    UNIQUE (citizen_id, idempotency_key)
                );
                CREATE INDEX floorpay_account_releases_citizen ON floorpay_account_releases (citizen_id);
                CREATE TRIGGER floorpay_account_releases_append_only BEFORE UPDATE OR DELETE ON floorpay_account_releases
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                """),
        // Rule 7 by construction: a dividend's eligible count (and a payday run's start) is sealed in a transaction that
        // waits for every batch writing payouts (PostgreSQL: a SHARE lock on the payouts; SQLite: its single writer), and
        // every later batch refuses an enrollment stamped before a sealed cutoff: none can slip in behind the count.
        new(14, "Enrollment seals: who enrolled before a cutoff (a dividend's eligible count, a payday run's start), fixed in commit order",
            Sqlite: """
                CREATE TABLE floorpay_enrollment_seals (
                    seal_id TEXT NOT NULL PRIMARY KEY,
                    eligible_before_ticks INTEGER NOT NULL,
                    eligible_count INTEGER NOT NULL,
                    sealed_at_ticks INTEGER NOT NULL
                );
                CREATE INDEX floorpay_enrollment_seals_cutoff ON floorpay_enrollment_seals (eligible_before_ticks);
                CREATE TRIGGER floorpay_enrollment_seals_no_update BEFORE UPDATE ON floorpay_enrollment_seals
                    BEGIN SELECT RAISE(ABORT, 'enrollment seals are append-only'); END;
                CREATE TRIGGER floorpay_enrollment_seals_no_delete BEFORE DELETE ON floorpay_enrollment_seals
                    BEGIN SELECT RAISE(ABORT, 'enrollment seals are append-only'); END;
                """,
            PostgreSql: """
                CREATE TABLE floorpay_enrollment_seals (
                    seal_id varchar(200) NOT NULL PRIMARY KEY,
                    eligible_before_ticks bigint NOT NULL,
                    eligible_count bigint NOT NULL,
                    sealed_at_ticks bigint NOT NULL
                );
                CREATE INDEX floorpay_enrollment_seals_cutoff ON floorpay_enrollment_seals (eligible_before_ticks);
                CREATE TRIGGER floorpay_enrollment_seals_append_only BEFORE UPDATE OR DELETE ON floorpay_enrollment_seals
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                """),
        // Idempotency keys are scoped to the calling participant (a bank's id for banks, the participant id otherwise), as
        // payment switches scope them per participant: one row per (scope, key), written in the transaction of the record
        // it produced, whichever citizen that is. Existing records are backfilled, the earliest use of a key winning.
        new(15, "Idempotency keys per calling participant, enforced for every kind of citizen record",
            Sqlite: """
                CREATE TABLE floorpay_idempotency_keys (
                    scope TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    citizen_id TEXT NOT NULL,
                    entry_id TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    recorded_at_ticks INTEGER NOT NULL,
                    PRIMARY KEY (scope, idempotency_key)
                );
                CREATE INDEX floorpay_idempotency_keys_citizen ON floorpay_idempotency_keys (citizen_id);
                CREATE TRIGGER floorpay_idempotency_keys_no_update BEFORE UPDATE ON floorpay_idempotency_keys
                    BEGIN SELECT RAISE(ABORT, 'idempotency keys are append-only'); END;
                CREATE TRIGGER floorpay_idempotency_keys_no_delete BEFORE DELETE ON floorpay_idempotency_keys
                    BEGIN SELECT RAISE(ABORT, 'idempotency keys are append-only'); END;
                INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT bank_id, idempotency_key, citizen_id, payout_id, fingerprint, paid_at_ticks FROM floorpay_payouts WHERE kind <> 'correction' AND idempotency_key NOT LIKE 'payday/%' ORDER BY paid_at_ticks;
                INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT platform_id, idempotency_key, citizen_id, contribution_id, fingerprint, recorded_at_ticks FROM floorpay_contributions ORDER BY recorded_at_ticks;
                INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT reviewer_id, idempotency_key, citizen_id, exemption_id, fingerprint, granted_at_ticks FROM floorpay_exemptions ORDER BY granted_at_ticks;
                INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT filed_by, idempotency_key, citizen_id, appeal_id, fingerprint, filed_at_ticks FROM floorpay_appeals ORDER BY filed_at_ticks;
                INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT reviewer_id, idempotency_key, citizen_id, 'resolution/' || appeal_id, fingerprint, resolved_at_ticks FROM floorpay_appeal_resolutions ORDER BY resolved_at_ticks;
                INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT reviewer_id, idempotency_key, citizen_id, 'approval/' || appeal_id, fingerprint, approved_at_ticks FROM floorpay_correction_approvals ORDER BY approved_at_ticks;
                INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT requested_by, idempotency_key, citizen_id, change_id, fingerprint, requested_at_ticks FROM floorpay_account_changes ORDER BY requested_at_ticks;
                INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT from_bank_id, idempotency_key, citizen_id, release_id, fingerprint, released_at_ticks FROM floorpay_account_releases ORDER BY released_at_ticks;
                """,
            PostgreSql: """
                CREATE TABLE floorpay_idempotency_keys (
                    scope varchar(64) NOT NULL,
                    idempotency_key varchar(64) NOT NULL,
                    citizen_id varchar(64) NOT NULL,
                    entry_id varchar(220) NOT NULL,
                    fingerprint varchar(64) NOT NULL,
                    recorded_at_ticks bigint NOT NULL,
                    PRIMARY KEY (scope, idempotency_key)
                );
                CREATE INDEX floorpay_idempotency_keys_citizen ON floorpay_idempotency_keys (citizen_id);
                CREATE TRIGGER floorpay_idempotency_keys_append_only BEFORE UPDATE OR DELETE ON floorpay_idempotency_keys
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                INSERT INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT bank_id, idempotency_key, citizen_id, payout_id, fingerprint, paid_at_ticks FROM floorpay_payouts WHERE kind <> 'correction' AND idempotency_key NOT LIKE 'payday/%' ORDER BY paid_at_ticks ON CONFLICT DO NOTHING;
                INSERT INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT platform_id, idempotency_key, citizen_id, contribution_id, fingerprint, recorded_at_ticks FROM floorpay_contributions ORDER BY recorded_at_ticks ON CONFLICT DO NOTHING;
                INSERT INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT reviewer_id, idempotency_key, citizen_id, exemption_id, fingerprint, granted_at_ticks FROM floorpay_exemptions ORDER BY granted_at_ticks ON CONFLICT DO NOTHING;
                INSERT INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT filed_by, idempotency_key, citizen_id, appeal_id, fingerprint, filed_at_ticks FROM floorpay_appeals ORDER BY filed_at_ticks ON CONFLICT DO NOTHING;
                INSERT INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT reviewer_id, idempotency_key, citizen_id, 'resolution/' || appeal_id, fingerprint, resolved_at_ticks FROM floorpay_appeal_resolutions ORDER BY resolved_at_ticks ON CONFLICT DO NOTHING;
                INSERT INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT reviewer_id, idempotency_key, citizen_id, 'approval/' || appeal_id, fingerprint, approved_at_ticks FROM floorpay_correction_approvals ORDER BY approved_at_ticks ON CONFLICT DO NOTHING;
                INSERT INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT requested_by, idempotency_key, citizen_id, change_id, fingerprint, requested_at_ticks FROM floorpay_account_changes ORDER BY requested_at_ticks ON CONFLICT DO NOTHING;
                INSERT INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
                SELECT from_bank_id, idempotency_key, citizen_id, release_id, fingerprint, released_at_ticks FROM floorpay_account_releases ORDER BY released_at_ticks ON CONFLICT DO NOTHING;
                """),
        // A statement can refuse to commit its batch (PostgreSQL): the payouts statement calls this when a payout went in
        // without its idempotency key (another transaction took the key meanwhile), so the writer retries the batch.
        new(16, "An abort function for statements that must not commit half a unit (PostgreSQL only)",
            Sqlite: "SELECT 1;",
            PostgreSql: """
                CREATE FUNCTION floorpay_abort(reason text) RETURNS text LANGUAGE plpgsql AS $fn$
                BEGIN
                    RAISE EXCEPTION USING ERRCODE = 'FP001', MESSAGE = reason;
                END
                $fn$;
                """),
        // A shared payout account is flagged by whichever record puts its Nth citizen on it (an enrollment, through any
        // path, or an account change), in that record's transaction: a counter per account, kept by triggers, counts each
        // citizen once, and its row lock orders concurrent writers so exactly one of them sees the threshold crossed. The
        // threshold is the cluster's stored setting (written at start from FloorPay:Accounts:FraudFlagThreshold).
        new(17, "Citizens per payout account counted by triggers; the fraud flag raised in the transaction that crosses the threshold",
            Sqlite: """
                CREATE TABLE floorpay_settings (
                    name TEXT NOT NULL PRIMARY KEY,
                    value INTEGER NOT NULL
                );
                INSERT INTO floorpay_settings (name, value) VALUES ('fraud_flag_threshold', 5);
                CREATE TABLE floorpay_account_holdings (
                    bank_id TEXT NOT NULL,
                    account_token TEXT NOT NULL,
                    citizens INTEGER NOT NULL,
                    PRIMARY KEY (bank_id, account_token)
                );
                INSERT INTO floorpay_account_holdings (bank_id, account_token, citizens)
                SELECT bank_id, account_token, COUNT(*) FROM (
                    SELECT bank_id, account_token, citizen_id FROM floorpay_payouts WHERE enrollment = 1
                    UNION SELECT bank_id, account_token, citizen_id FROM floorpay_account_changes) GROUP BY bank_id, account_token;
                INSERT OR IGNORE INTO floorpay_fraud_flags (bank_id, account_token, citizen_count, raised_by_change, raised_at_ticks)
                SELECT h.bank_id, h.account_token, h.citizens, 'schema-upgrade-17', 0 FROM floorpay_account_holdings h
                WHERE h.citizens >= 5;
                DROP INDEX floorpay_enrollments_by_account;
                CREATE TRIGGER floorpay_payouts_holding AFTER INSERT ON floorpay_payouts WHEN NEW.enrollment = 1
                BEGIN
                    INSERT INTO floorpay_account_holdings (bank_id, account_token, citizens) VALUES (NEW.bank_id, NEW.account_token, 1)
                        ON CONFLICT (bank_id, account_token) DO UPDATE SET citizens = citizens + 1;
                    INSERT OR IGNORE INTO floorpay_fraud_flags (bank_id, account_token, citizen_count, raised_by_change, raised_at_ticks)
                    SELECT h.bank_id, h.account_token, h.citizens, NEW.payout_id, NEW.paid_at_ticks FROM floorpay_account_holdings h
                    WHERE h.bank_id = NEW.bank_id AND h.account_token = NEW.account_token
                        AND h.citizens >= (SELECT value FROM floorpay_settings WHERE name = 'fraud_flag_threshold');
                END;
                CREATE TRIGGER floorpay_account_changes_holding AFTER INSERT ON floorpay_account_changes
                WHEN NOT EXISTS (SELECT 1 FROM floorpay_account_changes c WHERE c.citizen_id = NEW.citizen_id AND c.change_id <> NEW.change_id
                                 AND c.bank_id = NEW.bank_id AND c.account_token = NEW.account_token)
                 AND NOT EXISTS (SELECT 1 FROM floorpay_payouts p WHERE p.citizen_id = NEW.citizen_id AND p.enrollment = 1
                                 AND p.bank_id = NEW.bank_id AND p.account_token = NEW.account_token)
                BEGIN
                    INSERT INTO floorpay_account_holdings (bank_id, account_token, citizens) VALUES (NEW.bank_id, NEW.account_token, 1)
                        ON CONFLICT (bank_id, account_token) DO UPDATE SET citizens = citizens + 1;
                    INSERT OR IGNORE INTO floorpay_fraud_flags (bank_id, account_token, citizen_count, raised_by_change, raised_at_ticks)
                    SELECT h.bank_id, h.account_token, h.citizens, NEW.change_id, NEW.requested_at_ticks FROM floorpay_account_holdings h
                    WHERE h.bank_id = NEW.bank_id AND h.account_token = NEW.account_token
                        AND h.citizens >= (SELECT value FROM floorpay_settings WHERE name = 'fraud_flag_threshold');
                END;
                CREATE TRIGGER floorpay_account_holdings_no_delete BEFORE DELETE ON floorpay_account_holdings
                    BEGIN SELECT RAISE(ABORT, 'account holdings follow the append-only ledger: they are never deleted'); END;
                """,
            // Statement triggers hand their new holders to one function: it adds them to the accounts' counters (locked in
            // key order) and flags each account at the first holder that reaches the threshold.
            PostgreSql: """
                CREATE TABLE floorpay_settings (
                    name varchar(64) NOT NULL PRIMARY KEY,
                    value bigint NOT NULL
                );
                INSERT INTO floorpay_settings (name, value) VALUES ('fraud_flag_threshold', 5);
                CREATE TABLE floorpay_account_holdings (
                    bank_id varchar(64) NOT NULL,
                    account_token varchar(64) NOT NULL,
                    citizens bigint NOT NULL,
                    PRIMARY KEY (bank_id, account_token)
                );
                INSERT INTO floorpay_account_holdings (bank_id, account_token, citizens)
                SELECT bank_id, account_token, COUNT(*) FROM (
                    SELECT bank_id, account_token, citizen_id FROM floorpay_payouts WHERE enrollment
                    UNION SELECT bank_id, account_token, citizen_id FROM floorpay_account_changes) u GROUP BY bank_id, account_token;
                INSERT INTO floorpay_fraud_flags (bank_id, account_token, citizen_count, raised_by_change, raised_at_ticks)
                SELECT h.bank_id, h.account_token, h.citizens, 'schema-upgrade-17', 0 FROM floorpay_account_holdings h
                WHERE h.citizens >= 5 ON CONFLICT DO NOTHING;
                DROP INDEX floorpay_enrollments_by_account;
                CREATE FUNCTION floorpay_join_accounts(banks text[], tokens text[], entries text[], stamps bigint[]) RETURNS void
                LANGUAGE plpgsql AS $fn$
                DECLARE threshold bigint := (SELECT value FROM floorpay_settings WHERE name = 'fraud_flag_threshold');
                BEGIN
                    WITH joining AS (
                        SELECT j.*, row_number() OVER (PARTITION BY j.bank_id, j.account_token ORDER BY j.entry_id) AS nth,
                               COUNT(*) OVER (PARTITION BY j.bank_id, j.account_token) AS joined
                        FROM unnest(banks, tokens, entries, stamps) AS j(bank_id, account_token, entry_id, at_ticks)),
                    counted AS (
                        INSERT INTO floorpay_account_holdings AS h (bank_id, account_token, citizens)
                        SELECT bank_id, account_token, COUNT(*) FROM joining GROUP BY bank_id, account_token ORDER BY bank_id, account_token
                        ON CONFLICT (bank_id, account_token) DO UPDATE SET citizens = h.citizens + EXCLUDED.citizens
                        RETURNING h.bank_id, h.account_token, h.citizens)
                    INSERT INTO floorpay_fraud_flags (bank_id, account_token, citizen_count, raised_by_change, raised_at_ticks)
                    SELECT DISTINCT ON (j.bank_id, j.account_token) j.bank_id, j.account_token, c.citizens - j.joined + j.nth, j.entry_id, j.at_ticks
                    FROM joining j JOIN counted c ON c.bank_id = j.bank_id AND c.account_token = j.account_token
                    WHERE c.citizens - j.joined + j.nth >= threshold
                    ORDER BY j.bank_id, j.account_token, j.nth
                    ON CONFLICT DO NOTHING;
                END
                $fn$;
                CREATE FUNCTION floorpay_hold_enrolled_accounts() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    -- An enrollment is a citizen's first record, so each one is a new holder of its account.
                    PERFORM floorpay_join_accounts(array_agg(bank_id::text), array_agg(account_token::text), array_agg(payout_id::text), array_agg(paid_at_ticks))
                    FROM added WHERE enrollment HAVING COUNT(*) > 0;
                    RETURN NULL;
                END
                $fn$;
                CREATE TRIGGER floorpay_payouts_holding AFTER INSERT ON floorpay_payouts
                    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION floorpay_hold_enrolled_accounts();
                CREATE FUNCTION floorpay_hold_changed_accounts() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    -- A citizen returning to an account it held before (A, B, then A again) is not a new holder.
                    PERFORM floorpay_join_accounts(array_agg(a.bank_id::text), array_agg(a.account_token::text), array_agg(a.change_id::text), array_agg(a.requested_at_ticks))
                    FROM added a
                    WHERE NOT EXISTS (SELECT 1 FROM floorpay_account_changes c WHERE c.citizen_id = a.citizen_id
                                      AND c.bank_id = a.bank_id AND c.account_token = a.account_token
                                      AND (c.requested_at_ticks, c.change_id) < (a.requested_at_ticks, a.change_id))
                      AND NOT EXISTS (SELECT 1 FROM floorpay_payouts p WHERE p.citizen_id = a.citizen_id AND p.enrollment
                                      AND p.bank_id = a.bank_id AND p.account_token = a.account_token)
                    HAVING COUNT(*) > 0;
                    RETURN NULL;
                END
                $fn$;
                CREATE TRIGGER floorpay_account_changes_holding AFTER INSERT ON floorpay_account_changes
                    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION floorpay_hold_changed_accounts();
                CREATE TRIGGER floorpay_account_holdings_no_delete BEFORE DELETE ON floorpay_account_holdings
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                """),
        // An envelope id is claimed per bank for one content before any item runs; its items' results are kept for
        // resends. Not money (the payouts are): the results are replaced when a resend re-runs items that had failed
        // retryably, and rows are never deleted.
        new(18, "Bank envelopes: ids claimed per bank with their content's fingerprint, and the items' results for replays",
            Sqlite: """
                CREATE TABLE floorpay_envelopes (
                    scope TEXT NOT NULL,
                    envelope_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    claimed_at_ticks INTEGER NOT NULL,
                    result BLOB NULL,
                    saved_at_ticks INTEGER NULL,
                    PRIMARY KEY (scope, envelope_id)
                );
                CREATE TRIGGER floorpay_envelopes_no_delete BEFORE DELETE ON floorpay_envelopes
                    BEGIN SELECT RAISE(ABORT, 'envelopes are never deleted'); END;
                CREATE TRIGGER floorpay_envelopes_claim_fixed BEFORE UPDATE OF scope, envelope_id, kind, fingerprint, claimed_at_ticks ON floorpay_envelopes
                    BEGIN SELECT RAISE(ABORT, 'an envelope claim never changes'); END;
                """,
            PostgreSql: """
                CREATE TABLE floorpay_envelopes (
                    scope varchar(64) NOT NULL,
                    envelope_id varchar(64) NOT NULL,
                    kind varchar(16) NOT NULL,
                    fingerprint varchar(64) NOT NULL,
                    claimed_at_ticks bigint NOT NULL,
                    result bytea NULL,
                    saved_at_ticks bigint NULL,
                    PRIMARY KEY (scope, envelope_id)
                );
                CREATE TRIGGER floorpay_envelopes_no_delete BEFORE DELETE ON floorpay_envelopes
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                CREATE FUNCTION floorpay_envelope_claim_fixed() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    IF (NEW.scope, NEW.envelope_id, NEW.kind, NEW.fingerprint, NEW.claimed_at_ticks)
                       IS DISTINCT FROM (OLD.scope, OLD.envelope_id, OLD.kind, OLD.fingerprint, OLD.claimed_at_ticks) THEN
                        RAISE EXCEPTION 'an envelope claim never changes';
                    END IF;
                    RETURN NEW;
                END
                $fn$;
                CREATE TRIGGER floorpay_envelopes_claim_fixed BEFORE UPDATE ON floorpay_envelopes
                    FOR EACH ROW EXECUTE FUNCTION floorpay_envelope_claim_fixed();
                """),
        // The published policy book: the truth for every silo, each version's document fixed once published.
        new(19, "Published policy versions, append-only",
            Sqlite: """
                CREATE TABLE floorpay_policy_versions (
                    version INTEGER NOT NULL PRIMARY KEY,
                    effective_from TEXT NOT NULL,
                    document TEXT NOT NULL,
                    published_at_ticks INTEGER NOT NULL
                );
                CREATE TRIGGER floorpay_policy_versions_no_update BEFORE UPDATE ON floorpay_policy_versions
                    BEGIN SELECT RAISE(ABORT, 'a published policy version never changes'); END;
                CREATE TRIGGER floorpay_policy_versions_no_delete BEFORE DELETE ON floorpay_policy_versions
                    BEGIN SELECT RAISE(ABORT, 'a published policy version never changes'); END;
                """,
            PostgreSql: """
                CREATE TABLE floorpay_policy_versions (
                    version integer NOT NULL PRIMARY KEY,
                    effective_from varchar(16) NOT NULL,
                    document text NOT NULL,
                    published_at_ticks bigint NOT NULL
                );
                CREATE TRIGGER floorpay_policy_versions_append_only BEFORE UPDATE OR DELETE ON floorpay_policy_versions
                    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
                """),
    ];
}
