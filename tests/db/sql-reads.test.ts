// Compiled reads (src/db/sql-reads.ts) must answer exactly what Prisma answers:
// every case runs through a tenant scope twice — once compiled, once by Prisma —
// and the results must be equal, types included (Date, BigInt, Decimal, Json).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../../src/generated/prisma/index.js";
import { compileRead } from "../../src/db/sql-reads.js";
import { TenantScopes, type ScopedClient } from "../../src/tenants/scoped-db.js";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";
import { seedEveryModel, type TenantRows } from "../support/fixtures.js";

type Rows = TenantRows & { tag: string };
type Case = [model: string, operation: string, args: (rows: Rows) => Record<string, unknown>];

const delegate = (db: ScopedClient, model: string) => (db as unknown as Record<string, Record<string, (args: unknown) => Promise<unknown>>>)[model.charAt(0).toLowerCase() + model.slice(1)]!;

/** Shapes the API and the bot send (taken from a run of the test suite), and the edges of each operator. */
const CASES: Case[] = [
  ["Ticket", "findUnique", (r) => ({ where: { tenantId_id: { tenantId: r.tenantId, id: r.ids.Ticket } } })],
  ["Ticket", "findUnique", (r) => ({ where: { tenantId_id: { tenantId: r.tenantId, id: r.ids.Ticket } }, include: { contact: true } })],
  ["Ticket", "findUniqueOrThrow", (r) => ({ where: { tenantId_id: { tenantId: r.tenantId, id: r.ids.Ticket } }, select: { id: true, subject: true, contact: { select: { name: true, email: true } } } })],
  ["Ticket", "findFirst", (r) => ({ where: { id: r.ids.Ticket } })],
  ["Ticket", "findFirst", () => ({ where: { id: "missing" } })],
  ["Ticket", "findMany", () => ({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 21, include: { contact: true, messages: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: -4 } } })],
  ["Ticket", "findMany", () => ({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: -2 })],
  ["Ticket", "findMany", () => ({ orderBy: [{ nextDueAt: { sort: "asc", nulls: "last" } }, { id: "asc" }], skip: 1, take: 3 })],
  ["Ticket", "findMany", () => ({ where: { AND: [{ status: { in: ["OPEN", "PENDING"] } }, { priority: { notIn: ["LOW"] } }] }, orderBy: { number: "asc" } })],
  ["Ticket", "findMany", () => ({ where: { OR: [{ subject: { contains: "TICKET a%", mode: "insensitive" } }, { tags: { has: "vip" } }] } })],
  ["Ticket", "findMany", () => ({ where: { assigneeId: null, NOT: [{ status: "CLOSED" }], createdAt: { gte: new Date(Date.now() - 86_400_000), lt: new Date(Date.now() + 60_000) } } })],
  ["Ticket", "findMany", () => ({ where: { assigneeId: { not: null } } })],
  ["Ticket", "findMany", () => ({ where: { status: { not: "OPEN" } }, select: { number: true, feedback: { where: { kind: "CSAT" }, select: { score: true } } } })],
  ["Ticket", "findMany", () => ({ where: { subject: { startsWith: "Ticket" } }, select: { number: true, _count: true } })],
  ["Ticket", "count", () => ({ where: { status: { in: ["OPEN"] } } })],
  ["Ticket", "count", () => ({})],
  ["Message", "findMany", () => ({ where: { author: "CONTACT" }, include: { ticket: { include: { contact: true } } }, orderBy: { createdAt: "desc" }, take: 5 })],
  ["Contact", "findUnique", (r) => ({ where: { tenantId_id: { tenantId: r.tenantId, id: r.ids.Contact } }, include: { mergedInto: true, tickets: true } })],
  ["Contact", "findMany", () => ({ where: { AND: [{ mergedIntoId: null }] }, orderBy: [{ name: "asc" }], skip: 0, take: 10 })],
  ["Settlement", "findUniqueOrThrow", (r) => ({ where: { tenantId_id: { tenantId: r.tenantId, id: r.ids.Settlement } }, include: { contact: true, ticket: true } })],
  ["Settlement", "findFirst", (r) => ({ where: { idempotencyKey: `k-${r.tag}` } })],
  ["Settlement", "findMany", () => ({ where: { amountMinor: { gte: 50n }, valueDate: { lte: new Date("2026-12-31") } } })],
  ["BackOfficeCost", "findMany", () => ({ orderBy: { periodStart: "desc" } })],
  ["ComplianceCheck", "findUniqueOrThrow", (r) => ({ where: { tenantId_id: { tenantId: r.tenantId, id: r.ids.ComplianceCheck } }, include: { subjectContact: true, subjectRecord: true, subjectSettlement: true } })],
  ["Record", "findMany", () => ({ where: { AND: [{ type: "contract" }] }, include: { versions: { orderBy: { version: "desc" } }, contact: true } })],
  ["AuditEvent", "findMany", (r) => ({ where: { AND: [{ entityId: r.ids.Contact, entityType: "Contact" }] }, orderBy: [{ createdAt: "asc" }], skip: 0, take: 20 })],
  ["BotChat", "findMany", () => ({ where: { chatId: 42n } })],
  ["BotUpdate", "findMany", () => ({ where: { processedAt: null, attempts: { lt: 5 }, payload: { not: Prisma.DbNull } }, select: { id: true, payload: true } })],
  ["Feedback", "findMany", () => ({ where: { score: { gt: 3 } }, include: { contact: true, ticket: true } })],
  ["KnowledgeArticle", "findMany", () => ({ where: { AND: [{ OR: [{ title: { contains: "article", mode: "insensitive" } }] }, { published: true }] }, orderBy: { title: "asc" } })],
  ["TicketResolution", "findMany", () => ({})],
];

describe(`compiled reads (${ENGINE})`, () => {
  let app: TestApp;
  let rows: (TenantRows & { tag: string })[];
  let prismaOnly: TenantScopes;

  beforeAll(async () => {
    app = await createTestApp();
    rows = [];
    for (const tag of ["a", "b"]) {
      const t = await app.tenant(`reads-${tag}`);
      rows.push({ ...(await seedEveryModel(app.services, t.id, tag)), tag });
      // A thread longer than a page, with ties on createdAt, and a second ticket without messages.
      await app.services.scopes.forTenant(t.id).tx(async (tx) => {
        const contact = await tx.contact.create({ data: { tenantId: t.id, name: `Zed ${tag}` } });
        const ticket = await tx.ticket.create({ data: { tenantId: t.id, number: 2000, subject: `Second %${tag}`, channel: "TELEGRAM", contactId: contact.id, tags: ["vip"], priority: "LOW" } });
        const at = new Date();
        for (let i = 0; i < 6; i++) await tx.message.create({ data: { tenantId: t.id, ticketId: ticket.id, author: i % 2 ? "OPERATOR" : "CONTACT", body: `m${i}`, createdAt: new Date(at.getTime() + Math.floor(i / 2)) } });
        await tx.ticket.create({ data: { tenantId: t.id, number: 2001, subject: "Third", channel: "API", contactId: contact.id, status: "CLOSED" } });
      });
    }
    prismaOnly = new TenantScopes(app.services.database.prisma, { mode: app.services.scopes.mode });
  });

  afterAll(async () => {
    await app?.close();
  });

  it.each(CASES.map((c, i) => [i, ...c] as const))("case %i: %s.%s gives what Prisma gives", async (_i, model, operation, args) => {
    for (const r of rows) {
      const a = args(r);
      const compiled = compileRead(model, operation, a);
      const expectCompiled = !JSON.stringify(a, (_k, v) => (typeof v === "bigint" ? String(v) : v)).includes("_count") && model !== "BotUpdate";
      expect(compiled !== null, `${model}.${operation} ${JSON.stringify(a, (_k, v) => (typeof v === "bigint" ? String(v) : v))} compiles`).toBe(expectCompiled);
      const viaSql = await delegate(app.services.scopes.forTenant(r.tenantId).db, model)[operation]!(a);
      const viaPrisma = await delegate(prismaOnly.forTenant(r.tenantId).db, model)[operation]!(a);
      expect(viaSql).toEqual(viaPrisma);
      // Inside a transaction the compiled read runs on the transaction's connection.
      const inTx = await app.services.scopes.forTenant(r.tenantId).tx((tx) => delegate(tx as unknown as ScopedClient, model)[operation]!(a));
      expect(inTx).toEqual(viaPrisma);
    }
  });

  it("finds another tenant's row nowhere, exactly like Prisma", async () => {
    const [a, b] = rows;
    const where = { where: { tenantId_id: { tenantId: a!.tenantId, id: a!.ids.Ticket } } };
    expect(await app.services.scopes.forTenant(b!.tenantId).db.ticket.findUnique(where)).toBeNull();
    expect(await app.services.scopes.forTenant(b!.tenantId).db.ticket.findMany({ where: { id: a!.ids.Ticket } })).toEqual([]);
    await expect(app.services.scopes.forTenant(b!.tenantId).db.ticket.findUniqueOrThrow(where)).rejects.toMatchObject({ code: "P2025" });
  });

  it("reads memberships with their operators (a global read) as Prisma does", async () => {
    const op = await app.services.directory.createOperator({ email: "reads@example.com", name: "Reads Op", password: "a long enough password" });
    for (const r of rows) await app.services.directory.addMember(r.tenantId, op.email, "AGENT", { type: "SYSTEM" });
    const args = { where: { tenantId: { in: rows.map((r) => r.tenantId) }, operatorId: { in: [op.id] } }, include: { operator: { select: { id: true, email: true, name: true, disabledAt: true } } } };
    const compiled = await app.services.scopes.readGlobal("Membership", "findMany", args, () => Promise.reject(new Error("not compiled")));
    const prisma = await app.services.database.prisma.membership.findMany(args);
    const byId = (list: { id: string }[]) => [...list].sort((x, y) => x.id.localeCompare(y.id));
    expect(byId(compiled as { id: string }[])).toEqual(byId(prisma));
    expect(prisma).toHaveLength(2);
  });

  it("leaves what it does not understand to Prisma", () => {
    expect(compileRead("Ticket", "findMany", { cursor: { tenantId_id: { tenantId: "t", id: "x" } } })).toBeNull();
    expect(compileRead("Ticket", "findMany", { where: { messages: { some: { body: { contains: "x" } } } } })).toBeNull();
    expect(compileRead("Ticket", "findMany", { orderBy: { contact: { name: "asc" } } })).toBeNull();
    expect(compileRead("Ticket", "findMany", { distinct: ["status"] })).toBeNull();
    expect(compileRead("Ticket", "aggregate", {})).toBeNull();
    expect(compileRead("Ticket", "update", { where: {}, data: {} })).toBeNull();
    expect(compileRead(undefined, "$queryRaw", {})).toBeNull();
  });

  it("types values as Prisma does", async () => {
    const r = rows[0]!;
    const settlement = (await app.services.scopes.forTenant(r.tenantId).db.settlement.findFirst({ where: { id: r.ids.Settlement } }))!;
    expect(typeof settlement.amountMinor).toBe("bigint");
    expect(settlement.valueDate).toEqual(new Date("2026-12-01T00:00:00Z"));
    expect(settlement.createdAt).toBeInstanceOf(Date);
    expect(Prisma.Decimal).toBeDefined();
  });
});
