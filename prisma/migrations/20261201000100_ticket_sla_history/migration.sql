-- SLA history for tickets (the rules are in src/domain/sla.ts and src/domain/tickets.ts),
-- and no more merge chains between contacts:
--
-- 1. Contacts merged into a contact that was merged afterwards (A → B → C) point at the
--    end of their chain (C); mergeContacts keeps every merged contact one hop away now.
-- 2. "Ticket"."reopenedAt": when the running resolution clock started, so that a priority
--    change after a reopening counts the resolution due time from the reopening.
-- 3. "TicketResolution": one row per resolution, kept through reopening, so the metrics
--    of a past period stay true. Back-filled from the audit log (resolutions a reopening
--    erased from the ticket) and from the tickets' current resolutions.
-- 4. Late flags are kept through reopening; resolving an unanswered ticket after its
--    first-response due time is a late first response.
-- 5. "Ticket"."nextDueAt", generated: the earliest due time still running, for the DUE order.
--
-- The back-fills read and write every tenant's rows as the owner that runs migrations.
-- FORCE row-level security would hide those rows from an owner that is not a superuser,
-- so it is lifted for the length of this migration (one transaction) and put back below.
ALTER TABLE "Contact" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "Ticket" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "AuditEvent" NO FORCE ROW LEVEL SECURITY;

-- 1. Merge chains.
WITH RECURSIVE chain ("tenantId", id, target, hops) AS (
  SELECT "tenantId", id, "mergedIntoId", 1 FROM "Contact" WHERE "mergedIntoId" IS NOT NULL
  UNION ALL
  SELECT chain."tenantId", chain.id, next."mergedIntoId", chain.hops + 1
  FROM chain JOIN "Contact" next ON next."tenantId" = chain."tenantId" AND next.id = chain.target
  WHERE next."mergedIntoId" IS NOT NULL AND chain.hops < 64
), chain_end AS (
  SELECT DISTINCT ON ("tenantId", id) "tenantId", id, target FROM chain ORDER BY "tenantId", id, hops DESC
)
UPDATE "Contact" c SET "mergedIntoId" = chain_end.target
FROM chain_end
WHERE c."tenantId" = chain_end."tenantId" AND c.id = chain_end.id AND c."mergedIntoId" IS DISTINCT FROM chain_end.target;

-- 2. and 5. New ticket columns.
ALTER TABLE "Ticket" ADD COLUMN "reopenedAt" TIMESTAMP(3);
ALTER TABLE "Ticket" ADD COLUMN "nextDueAt" TIMESTAMP(3) GENERATED ALWAYS AS (
  CASE WHEN "status" IN ('OPEN', 'PENDING')
    THEN LEAST(CASE WHEN "firstRespondedAt" IS NULL THEN "firstResponseDueAt" END, "resolutionDueAt")
  END
) STORED;
CREATE INDEX "Ticket_tenantId_nextDueAt_idx" ON "Ticket"("tenantId", "nextDueAt");

-- 3. Resolutions.
CREATE TABLE "TicketResolution" (
    "tenantId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "ticketId" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3) NOT NULL,
    "late" BOOLEAN NOT NULL,

    CONSTRAINT "TicketResolution_pkey" PRIMARY KEY ("tenantId","id")
);
CREATE INDEX "TicketResolution_tenantId_resolvedAt_idx" ON "TicketResolution"("tenantId", "resolvedAt");
CREATE INDEX "TicketResolution_tenantId_dueAt_idx" ON "TicketResolution"("tenantId", "dueAt");
CREATE UNIQUE INDEX "TicketResolution_tenantId_ticketId_resolvedAt_key" ON "TicketResolution"("tenantId", "ticketId", "resolvedAt");
ALTER TABLE "TicketResolution" ADD CONSTRAINT "TicketResolution_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "TicketResolution" ADD CONSTRAINT "TicketResolution_tenantId_ticketId_fkey" FOREIGN KEY ("tenantId", "ticketId") REFERENCES "Ticket"("tenantId", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- Tenant-owned, like every such table (20261123000100_row_level_security), and append-only
-- for the application: it inserts resolutions and never changes one.
GRANT SELECT, INSERT ON "TicketResolution" TO tandem_app;
ALTER TABLE "TicketResolution" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "TicketResolution"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

-- Status changes the audit log saw. Ticket events hold the ticket as before/after; message
-- events (a customer's message reopens a ticket) hold it under "ticket".
CREATE TEMPORARY TABLE ticket_status_change ON COMMIT DROP AS
SELECT e."tenantId", ticket_after->>'id' AS "ticketId", e."createdAt" AS at, ticket_before->>'status' AS "from", ticket_after->>'status' AS "to", ticket_after
FROM "AuditEvent" e
CROSS JOIN LATERAL (SELECT coalesce(e.before->'ticket', e.before) AS ticket_before, coalesce(e.after->'ticket', e.after) AS ticket_after) t
WHERE e."entityType" IN ('Ticket', 'Message')
  AND ticket_after->>'id' IS NOT NULL
  AND ticket_after->>'status' IS NOT NULL
  AND ticket_after->>'status' IS DISTINCT FROM ticket_before->>'status';

UPDATE "Ticket" t SET "reopenedAt" = reopened.at
FROM (
  SELECT "tenantId", "ticketId", max(at) AS at FROM ticket_status_change
  WHERE "from" IN ('RESOLVED', 'CLOSED') AND "to" = 'OPEN' GROUP BY "tenantId", "ticketId"
) reopened
WHERE t."tenantId" = reopened."tenantId" AND t.id = reopened."ticketId";

INSERT INTO "TicketResolution" ("tenantId", "id", "ticketId", "startedAt", "dueAt", "resolvedAt", "late")
SELECT r."tenantId", gen_random_uuid()::text, r."ticketId",
  coalesce(
    (SELECT max(o.at) FROM ticket_status_change o
      WHERE o."tenantId" = r."tenantId" AND o."ticketId" = r."ticketId" AND o."from" IN ('RESOLVED', 'CLOSED') AND o."to" = 'OPEN' AND o.at <= r.at),
    t."createdAt"),
  r.due, r.resolved, coalesce(r.resolved > r.due, false)
FROM (
  SELECT c."tenantId", c."ticketId", c.at,
    (c.ticket_after->>'resolutionDueAt')::timestamptz AT TIME ZONE 'UTC' AS due,
    (c.ticket_after->>'resolvedAt')::timestamptz AT TIME ZONE 'UTC' AS resolved
  FROM ticket_status_change c
  WHERE c."to" = 'RESOLVED' AND c.ticket_after->>'resolvedAt' IS NOT NULL
) r
JOIN "Ticket" t ON t."tenantId" = r."tenantId" AND t.id = r."ticketId"
ON CONFLICT ("tenantId", "ticketId", "resolvedAt") DO NOTHING;

-- Current resolutions the audit log does not show (bulk loads, seeds).
INSERT INTO "TicketResolution" ("tenantId", "id", "ticketId", "startedAt", "dueAt", "resolvedAt", "late")
SELECT t."tenantId", gen_random_uuid()::text, t.id, coalesce(t."reopenedAt", t."createdAt"), t."resolutionDueAt", t."resolvedAt",
  coalesce(t."resolvedAt" > t."resolutionDueAt", false)
FROM "Ticket" t
WHERE t."resolvedAt" IS NOT NULL
ON CONFLICT ("tenantId", "ticketId", "resolvedAt") DO NOTHING;

-- 4. Late flags that reopening erased, and unanswered tickets resolved after their first-response due time.
UPDATE "Ticket" t SET "resolutionLate" = true
WHERE NOT t."resolutionLate"
  AND EXISTS (SELECT 1 FROM "TicketResolution" r WHERE r."tenantId" = t."tenantId" AND r."ticketId" = t.id AND r.late);
UPDATE "Ticket" t SET "firstResponseLate" = true
WHERE NOT t."firstResponseLate" AND t."firstResponseDueAt" IS NOT NULL
  AND EXISTS (
    SELECT 1 FROM "TicketResolution" r
    WHERE r."tenantId" = t."tenantId" AND r."ticketId" = t.id AND r."resolvedAt" > t."firstResponseDueAt"
      AND (t."firstRespondedAt" IS NULL OR t."firstRespondedAt" > r."resolvedAt"));

ALTER TABLE "Contact" FORCE ROW LEVEL SECURITY;
ALTER TABLE "Ticket" FORCE ROW LEVEL SECURITY;
ALTER TABLE "AuditEvent" FORCE ROW LEVEL SECURITY;
ALTER TABLE "TicketResolution" FORCE ROW LEVEL SECURITY;
