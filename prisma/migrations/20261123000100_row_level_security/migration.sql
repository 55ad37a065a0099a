-- Row-level security: the safety net under the application's own checks.
--
-- Application queries run as `tandem_app` (no BYPASSRLS), switched to per
-- transaction by src/tenants/scoped-db.ts together with `app.tenant_id`.
-- `app.tenant_id` holds one tenant id, or a comma-separated list for the
-- membership-checked cross-tenant operator queue. Unset, it matches nothing.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tandem_app') THEN
    CREATE ROLE tandem_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
  END IF;
EXCEPTION
  -- Another database of the same server created it at the same moment.
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

-- The connecting user must be able to switch to the role (a no-op for superusers).
DO $$
BEGIN
  EXECUTE format('GRANT tandem_app TO %I', current_user);
EXCEPTION
  WHEN OTHERS THEN NULL;
END
$$;

CREATE FUNCTION tandem_current_tenants() RETURNS text[]
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT string_to_array(nullif(current_setting('app.tenant_id', true), ''), ',') $$;

GRANT USAGE ON SCHEMA public TO tandem_app;
GRANT EXECUTE ON FUNCTION tandem_current_tenants() TO tandem_app;

-- Tenants: each tenant sees its own row (settings, name); global tables that
-- decide access (Operator, Membership, ApiKey, TelegramBot) are not granted at all.
GRANT SELECT ON "Tenant" TO tandem_app;
ALTER TABLE "Tenant" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Tenant" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Tenant"
  USING ("id" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "TenantCounter" TO tandem_app;
ALTER TABLE "TenantCounter" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "TenantCounter" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "TenantCounter"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "Contact" TO tandem_app;
ALTER TABLE "Contact" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Contact" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Contact"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "Ticket" TO tandem_app;
ALTER TABLE "Ticket" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Ticket" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Ticket"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "Message" TO tandem_app;
ALTER TABLE "Message" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Message" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Message"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "Feedback" TO tandem_app;
ALTER TABLE "Feedback" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Feedback" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Feedback"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "KnowledgeArticle" TO tandem_app;
ALTER TABLE "KnowledgeArticle" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "KnowledgeArticle" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "KnowledgeArticle"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "Record" TO tandem_app;
ALTER TABLE "Record" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Record" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Record"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "RecordVersion" TO tandem_app;
ALTER TABLE "RecordVersion" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "RecordVersion" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "RecordVersion"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "ComplianceCheck" TO tandem_app;
ALTER TABLE "ComplianceCheck" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ComplianceCheck" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ComplianceCheck"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "Settlement" TO tandem_app;
ALTER TABLE "Settlement" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Settlement" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Settlement"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "BackOfficeCost" TO tandem_app;
ALTER TABLE "BackOfficeCost" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "BackOfficeCost" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "BackOfficeCost"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT ON "AuditEvent" TO tandem_app;
ALTER TABLE "AuditEvent" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "AuditEvent" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "AuditEvent"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "BotUpdate" TO tandem_app;
ALTER TABLE "BotUpdate" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "BotUpdate" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "BotUpdate"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "BotChat" TO tandem_app;
ALTER TABLE "BotChat" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "BotChat" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "BotChat"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

GRANT SELECT, INSERT, UPDATE, DELETE ON "BotDelivery" TO tandem_app;
ALTER TABLE "BotDelivery" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "BotDelivery" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "BotDelivery"
  USING ("tenantId" = ANY (tandem_current_tenants()))
  WITH CHECK ("tenantId" = ANY (tandem_current_tenants()));

-- The audit log is append-only for everyone, table owner and superuser included.
CREATE FUNCTION tandem_audit_append_only() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_event_append_only
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION tandem_audit_append_only();
CREATE TRIGGER audit_event_no_truncate
  BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION tandem_audit_append_only();

-- Rules the database keeps even if application code forgets them.
ALTER TABLE "ComplianceCheck" ADD CONSTRAINT "ComplianceCheck_one_subject"
  CHECK (num_nonnulls("subjectContactId", "subjectRecordId", "subjectSettlementId") = 1);
ALTER TABLE "Settlement" ADD CONSTRAINT "Settlement_amount_positive" CHECK ("amountMinor" > 0);
ALTER TABLE "Settlement" ADD CONSTRAINT "Settlement_currency_format" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "BackOfficeCost" ADD CONSTRAINT "BackOfficeCost_amount_nonnegative" CHECK ("amountMinor" >= 0);
ALTER TABLE "BackOfficeCost" ADD CONSTRAINT "BackOfficeCost_period" CHECK ("periodEnd" >= "periodStart");
ALTER TABLE "Feedback" ADD CONSTRAINT "Feedback_score_range" CHECK (
  ("kind" = 'CSAT' AND "score" BETWEEN 1 AND 5) OR
  ("kind" = 'NPS' AND "score" BETWEEN 0 AND 10) OR
  ("kind" = 'CES' AND "score" BETWEEN 1 AND 7)
);
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_number_positive" CHECK ("number" > 0);
