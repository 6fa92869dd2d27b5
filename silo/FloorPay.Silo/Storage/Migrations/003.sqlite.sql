-- 003: Cluster membership and reminders (PostgreSQL clusters only)
SELECT 1; -- the single node uses localhost clustering and no reminders
