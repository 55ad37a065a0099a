// Demo data for a first start: a BPO serving two client tenants, with an operator
// in both (different roles), an API key per tenant, and a little of everything.
import type { Priority, TicketStatus } from "../generated/prisma/index.js";
import { SYSTEM_ACTOR } from "../domain/actor.js";
import { recordAudit } from "../domain/audit.js";
import { nextNumber } from "../domain/counters.js";
import { isLate } from "../domain/sla.js";
import type { Services } from "../services.js";
import { DEFAULT_SLA_POLICY } from "../tenants/settings.js";
import type { TenantTx } from "../tenants/scoped-db.js";
import { randomToken } from "../tenants/secrets.js";
import { DEMO_ARTICLES } from "./demo-articles.js";

export interface DemoCredentials {
  operators: { email: string; password: string; roles: string }[];
  apiKeys: { tenant: string; secret: string; scopes: string }[];
}

const DEMO_TENANTS = [
  { slug: "acme-insurance", name: "Acme Insurance", locale: "en", timeZone: "Europe/London" },
  { slug: "globex-telecom", name: "Globex Telecom", locale: "en", timeZone: "America/New_York" },
] as const;

/** Any fixed number: concurrent seeders (several processes starting at once) queue on it. */
const DEMO_SEED_LOCK = 727_274_002;

/**
 * Seeds only an empty database: a second start creates nothing new. All or nothing:
 * one transaction, so a crash or an error partway leaves no tenants behind and the
 * next start seeds again.
 */
export async function seedDemoIfEmpty(services: Services): Promise<DemoCredentials | null> {
  // Every start but the first finds tenants. One plain query says so without the seeding
  // transaction's round trips and Prisma's first query (whose compiler costs ~0.3 s of a
  // restart); an empty answer goes on to the locked check below, which decides.
  const [found] = await services.database.sql.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM "Tenant") AS "any"`);
  if (found?.any) return null;
  return seed(services, { onlyIfEmpty: true });
}

/** Creates the demo data (all or nothing); fails if its tenants or operators exist. */
export async function seedDemo(services: Services): Promise<DemoCredentials> {
  return (await seed(services, { onlyIfEmpty: false }))!;
}

async function seed(services: Services, options: { onlyIfEmpty: boolean }): Promise<DemoCredentials | null> {
  return services.directory.transaction(
    async (directory, tx) => {
      // Two processes starting at once on one server: the second waits here, then finds the data.
      // Waiting here for another process's seed is intended, however long it takes.
      await tx.root.$executeRawUnsafe("SET LOCAL statement_timeout = 0");
      await tx.root.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${DEMO_SEED_LOCK})`);
      if (options.onlyIfEmpty && (await directory.hasTenants())) return null;
      const creds: DemoCredentials = { operators: [], apiKeys: [] };
      const tenants = [];
      for (const t of DEMO_TENANTS) {
        tenants.push(
          await directory.createTenant({
            slug: t.slug,
            name: t.name,
            settings: { locale: t.locale, timeZone: t.timeZone, slaPolicy: DEFAULT_SLA_POLICY },
          }),
        );
      }

      const operators = [
        { email: "dana@bpo.example", name: "Dana Operator", roles: { "acme-insurance": "OWNER", "globex-telecom": "AGENT" } },
        { email: "sam@bpo.example", name: "Sam Backoffice", roles: { "acme-insurance": "BACK_OFFICE", "globex-telecom": "AUDITOR" } },
      ] as const;
      for (const o of operators) {
        const password = randomToken(12);
        await directory.createOperator({ email: o.email, name: o.name, password, isBpoAdmin: o.email.startsWith("dana") });
        for (const [slug, role] of Object.entries(o.roles)) await directory.addMember(slug, o.email, role, SYSTEM_ACTOR);
        creds.operators.push({
          email: o.email,
          password,
          roles: Object.entries(o.roles)
            .map(([slug, role]) => `${role} in ${slug}`)
            .join(", "),
        });
      }

      for (const tenant of tenants) {
        const { secret } = await directory.createApiKey(
          tenant.slug,
          { name: "Demo partner app", scopes: ["FRONT_READ", "FRONT_WRITE", "BACK_READ", "BACK_WRITE"] },
          SYSTEM_ACTOR,
        );
        creds.apiKeys.push({ tenant: tenant.slug, secret, scopes: "front:read front:write back:read back:write" });
        await tx.asTenant(tenant.id, (t) => seedTenantData(t, tenant.id, tenant.slug));
      }
      return creds;
    },
    { timeoutMs: 120_000 },
  );
}

const CONTACTS: Record<string, { name: string; email: string; phone: string }[]> = {
  "acme-insurance": [
    { name: "Maria Lopez", email: "maria.lopez@example.com", phone: "+441632960001" },
    { name: "John Carter", email: "john.carter@example.com", phone: "+441632960002" },
    { name: "Aiko Tanaka", email: "aiko.tanaka@example.com", phone: "+441632960003" },
  ],
  "globex-telecom": [
    { name: "Peter Novak", email: "peter.novak@example.com", phone: "+12025550101" },
    { name: "Fatima Khan", email: "fatima.khan@example.com", phone: "+12025550102" },
    { name: "Luis Ortega", email: "luis.ortega@example.com", phone: "+12025550103" },
  ],
};

const TICKETS: Record<string, { subject: string; body: string; priority: Priority; status: TicketStatus; contact: number }[]> = {
  "acme-insurance": [
    { subject: "Claim status for water damage", body: "I filed a claim for water damage two weeks ago. Any news?", priority: "HIGH", status: "OPEN", contact: 0 },
    { subject: "Change of address on my policy", body: "I moved, please update my home address.", priority: "NORMAL", status: "PENDING", contact: 1 },
    { subject: "Premium went up", body: "Why did my premium increase this year?", priority: "LOW", status: "RESOLVED", contact: 2 },
  ],
  "globex-telecom": [
    { subject: "No internet since this morning", body: "My fibre connection is down since 7am.", priority: "URGENT", status: "OPEN", contact: 0 },
    { subject: "Roaming charges on my bill", body: "I was charged for roaming in Canada, I had a travel pass.", priority: "NORMAL", status: "OPEN", contact: 1 },
    { subject: "Port my number", body: "I want to keep my number when switching plans.", priority: "LOW", status: "CLOSED", contact: 2 },
  ],
};

/** The tenant's sample rows, inside the seed's transaction (already switched to the app role and the tenant). */
async function seedTenantData(tx: TenantTx, tenantId: string, slug: string): Promise<void> {
  const contacts = [];
  for (const c of CONTACTS[slug]!) contacts.push(await tx.contact.create({ data: { tenantId, ...c, tags: ["demo"] } }));
  const now = Date.now();
  for (const [i, t] of TICKETS[slug]!.entries()) {
    const sla = DEFAULT_SLA_POLICY[t.priority];
    const createdAt = new Date(now - (i + 1) * 3 * 3600_000);
    const ticket = await tx.ticket.create({
      data: {
        tenantId,
        number: await nextNumber(tx, tenantId, "ticket"),
        subject: t.subject,
        status: t.status,
        priority: t.priority,
        channel: "EMAIL",
        contactId: contacts[t.contact]!.id,
        createdAt,
        firstResponseDueAt: new Date(createdAt.getTime() + sla.firstResponseMinutes * 60_000),
        resolutionDueAt: new Date(createdAt.getTime() + sla.resolutionMinutes * 60_000),
        resolvedAt: t.status === "RESOLVED" || t.status === "CLOSED" ? new Date(createdAt.getTime() + 3600_000) : null,
        closedAt: t.status === "CLOSED" ? new Date(createdAt.getTime() + 7200_000) : null,
        firstRespondedAt: t.status === "OPEN" ? null : new Date(createdAt.getTime() + 1800_000),
        messages: {
          create: [
            { author: "CONTACT", contactId: contacts[t.contact]!.id, body: t.body, createdAt },
            ...(t.status === "OPEN"
              ? []
              : [{ author: "OPERATOR" as const, body: "Thanks for reaching out, we are on it.", createdAt: new Date(createdAt.getTime() + 1800_000) }]),
          ],
        },
      },
    });
    await recordAudit(tx, tenantId, SYSTEM_ACTOR, { action: "ticket.created", entityType: "Ticket", entityId: ticket.id, after: ticket });
    if (ticket.resolvedAt) {
      // Written as the rules write a resolution: kept in TicketResolution for the metrics.
      await tx.ticketResolution.create({
        data: { tenantId, ticketId: ticket.id, startedAt: createdAt, dueAt: ticket.resolutionDueAt, resolvedAt: ticket.resolvedAt, late: isLate(ticket.resolutionDueAt, ticket.resolvedAt) },
      });
    }
    if (t.status === "RESOLVED" || t.status === "CLOSED") {
      await tx.feedback.create({
        data: { tenantId, kind: "CSAT", score: 5 - i, contactId: ticket.contactId, ticketId: ticket.id, comment: "Quick and clear." },
      });
    }
  }
  for (const a of DEMO_ARTICLES[slug]!) {
    await tx.knowledgeArticle.create({ data: { tenantId, ...a, published: a.published ?? true } });
  }
  const recordType = slug === "acme-insurance" ? "policy" : "contract";
  const record = await tx.record.create({
    data: {
      tenantId,
      type: recordType,
      reference: slug === "acme-insurance" ? "POL-2026-0001" : "CTR-2026-0001",
      title: `${recordType === "policy" ? "Home insurance policy" : "Fibre 500 contract"} for ${contacts[0]!.name}`,
      data: { holder: contacts[0]!.name, startDate: "2026-01-01" },
      contactId: contacts[0]!.id,
      retentionUntil: new Date("2033-12-31T00:00:00Z"),
    },
  });
  const settlement = await tx.settlement.create({
    data: {
      tenantId,
      reference: slug === "acme-insurance" ? "CLM-PAY-1001" : "REFUND-2001",
      counterparty: contacts[0]!.name,
      amountMinor: slug === "acme-insurance" ? 125_050n : 4_999n,
      currency: slug === "acme-insurance" ? "GBP" : "USD",
      direction: "PAYABLE",
      valueDate: new Date("2026-12-01T00:00:00Z"),
      idempotencyKey: `demo-${slug}-1`,
      requestHash: "demo",
      contactId: contacts[0]!.id,
    },
  });
  await tx.complianceCheck.create({
    data: { tenantId, kind: "KYC", subjectContactId: contacts[0]!.id, dueAt: new Date(now + 7 * 86400_000), notes: "Verify identity documents." },
  });
  await tx.complianceCheck.create({
    data: { tenantId, kind: "AML_SCREENING", subjectSettlementId: settlement.id, dueAt: new Date(now - 86400_000) },
  });
  await tx.complianceCheck.create({
    data: { tenantId, kind: "POLICY_ATTESTATION", subjectRecordId: record.id, dueAt: new Date(now + 30 * 86400_000) },
  });
}
