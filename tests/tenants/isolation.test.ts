// The tenant-isolation matrix: for every tenant-owned model, tenant B can neither
// read nor change tenant A's rows, through the API or through the database itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../../src/generated/prisma/index.js";
import { createTestApp, ENGINE, globalId, type TestApp } from "../support/app.js";
import { ownerQuery } from "../support/database.js";
import { seedEveryModel, type TenantRows } from "../support/fixtures.js";

/** Tenant-owned models: every model with a tenantId column, except the global access tables. */
const ACCESS_TABLES = ["Membership", "ApiKey", "TelegramBot"];
const TENANT_MODELS = Prisma.dmmf.datamodel.models
  .filter((m) => m.fields.some((f) => f.name === "tenantId") && !ACCESS_TABLES.includes(m.name))
  .map((m) => m.name);

/** Tables the app role may only read and append to: the audit log, record history and ticket resolutions. */
const APPEND_ONLY = ["AuditEvent", "RecordVersion", "TicketResolution"];

/** GraphQL type names of the models the API exposes as Relay nodes. */
const NODE_TYPES: Record<string, string> = {
  Contact: "Contact",
  Ticket: "Ticket",
  Message: "Message",
  Feedback: "Feedback",
  KnowledgeArticle: "KnowledgeArticle",
  Record: "BusinessRecord",
  RecordVersion: "RecordVersion",
  ComplianceCheck: "ComplianceCheck",
  Settlement: "Settlement",
  AuditEvent: "AuditEvent",
};

function delegate(tx: unknown, model: string) {
  return (tx as Record<string, { findMany: Function; updateMany: Function; deleteMany: Function; count: Function }>)[
    model.charAt(0).toLowerCase() + model.slice(1)
  ]!;
}

describe(`tenant isolation (${ENGINE})`, () => {
  let app: TestApp;
  let a: TenantRows;
  let b: TenantRows;
  let keyA: string;
  let keyB: string;

  beforeAll(async () => {
    app = await createTestApp();
    const ta = await app.tenant("iso-a");
    const tb = await app.tenant("iso-b");
    a = await seedEveryModel(app.services, ta.id, "a");
    b = await seedEveryModel(app.services, tb.id, "b");
    keyA = await app.apiKey("iso-a");
    keyB = await app.apiKey("iso-b");
    // ADMIN scope also grants audit:read, so every node type is readable by these keys.
    keyA = await app.services.directory
      .createApiKey("iso-a", { name: "all", scopes: ["FRONT_READ", "BACK_READ", "ADMIN"] }, { type: "SYSTEM" })
      .then((k) => k.secret);
    keyB = await app.services.directory
      .createApiKey("iso-b", { name: "all", scopes: ["FRONT_READ", "BACK_READ", "ADMIN"] }, { type: "SYSTEM" })
      .then((k) => k.secret);
  });
  afterAll(() => app?.close());

  it("covers every tenant-owned model", () => {
    expect(TENANT_MODELS.sort()).toEqual(Object.keys(a.ids).sort());
  });

  it("has row-level security enabled and forced on every tenant-owned table", async () => {
    const rows = await app.services.database.sql.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY($1)`,
      [TENANT_MODELS],
    );
    expect(rows).toHaveLength(TENANT_MODELS.length);
    for (const r of rows) expect([r.relname, r.relrowsecurity, r.relforcerowsecurity]).toEqual([r.relname, true, true]);
  });

  it.each(Object.entries(NODE_TYPES))("API: %s of tenant A is found by A and not found by B", async (model, type) => {
    const id = globalId(type, a.ids[model]!);
    const query = `query($id: ID!) { node(id: $id) { id __typename } }`;
    const own = await app.gql(query, { id }, app.as(keyA));
    expect(own.errors).toBeUndefined();
    expect(own.data.node).toEqual({ id, __typename: type });
    const other = await app.gql(query, { id }, app.as(keyB));
    expect(other.errors).toBeUndefined();
    expect(other.data.node).toBeNull();
  });

  it.each(TENANT_MODELS)("database: tenant B's scope can neither read nor change %s rows of A", async (model) => {
    const id = a.ids[model]!;
    await app.services.scopes.forTenant(b.tenantId).tx(async (tx) => {
      const d = delegate(tx, model);
      expect(await d.findMany({ where: { id } })).toEqual([]);
      expect(await d.count({ where: { tenantId: a.tenantId } })).toBe(0);
      if (APPEND_ONLY.includes(model)) {
        // Nobody changes these rows, the tenant's own scope included.
        await expect(d.updateMany({ where: { id }, data: { tenantId: b.tenantId } })).rejects.toThrow(/permission denied/);
      } else {
        expect((await d.updateMany({ where: { id }, data: { tenantId: b.tenantId } })).count).toBe(0);
        expect((await d.deleteMany({ where: { id } })).count).toBe(0);
      }
    });
    // A still has its row, unchanged.
    const still = await app.services.scopes.forTenant(a.tenantId).tx((tx) => delegate(tx, model).findMany({ where: { id } }));
    expect(still).toHaveLength(1);
  });

  it.each(TENANT_MODELS)("database: raw SQL as the app role sees no %s rows of A under B's setting, and none without a tenant", async (model) => {
    const counts = await app.services.database.sql.session(async (s) => {
      await s.exec("BEGIN");
      try {
        await s.query("SELECT set_config('role', 'tandem_app', true), set_config('app.tenant_id', $1, true)", [b.tenantId]);
        const underB = await s.query<{ n: string | number }>(`SELECT count(*) AS n FROM "${model}" WHERE "tenantId" = $1`, [a.tenantId]);
        const ownB = await s.query<{ n: string | number }>(`SELECT count(*) AS n FROM "${model}"`);
        await s.query("SELECT set_config('app.tenant_id', '', true)");
        const none = await s.query<{ n: string | number }>(`SELECT count(*) AS n FROM "${model}"`);
        return [underB[0]!.n, ownB[0]!.n, none[0]!.n].map(Number);
      } finally {
        await s.exec("ROLLBACK");
      }
    });
    expect(counts[0]).toBe(0);
    expect(counts[1]).toBeGreaterThan(0); // B's own rows are visible: the filter is the tenant, not everything
    expect(counts[2]).toBe(0);
  });

  it("database: refuses a row of B that points at A's contact (composite foreign key)", async () => {
    const attempt = app.services.scopes
      .forTenant(b.tenantId)
      .tx((tx) => tx.ticket.create({ data: { tenantId: b.tenantId, number: 5, subject: "x", channel: "API", contactId: a.ids.Contact! } }));
    await expect(attempt).rejects.toThrow(/foreign key/i);
  });

  it("database: refuses writing a row into another tenant from a scope", async () => {
    const attempt = app.services.scopes
      .forTenant(b.tenantId)
      .db.contact.create({ data: { tenantId: a.tenantId, name: "intruder" } });
    await expect(attempt).rejects.toThrow(/row-level security/);
  });

  it("database: the application role has no access to the credential tables", async () => {
    for (const table of ACCESS_TABLES.concat("Operator")) {
      const err = await app.services.database.sql
        .session(async (s) => {
          await s.exec("BEGIN");
          try {
            await s.query("SELECT set_config('role', 'tandem_app', true), set_config('app.tenant_id', $1, true)", [a.tenantId]);
            await s.query(`SELECT count(*) FROM "${table}"`);
            return null;
          } finally {
            await s.exec("ROLLBACK");
          }
        })
        .catch((e: Error) => e);
      expect(err?.message).toMatch(/permission denied/);
    }
  });

  it("database: audit events cannot be updated or deleted, not even by the table owner", async () => {
    const scope = app.services.scopes.forTenant(a.tenantId);
    await expect(scope.db.auditEvent.updateMany({ data: { action: "tampered" } })).rejects.toThrow(/permission denied/);
    await expect(scope.db.auditEvent.deleteMany({})).rejects.toThrow(/permission denied/);
    // The owner reaches A's rows only with A's tenant set (FORCE); then the trigger refuses the change.
    const db = app.services.database;
    expect(Number((await ownerQuery<{ n: string }>(db, a.tenantId, `SELECT count(*) AS n FROM "AuditEvent"`))[0]!.n)).toBeGreaterThan(0);
    await expect(ownerQuery(db, a.tenantId, `UPDATE "AuditEvent" SET action = 'tampered'`)).rejects.toThrow(/append-only/);
    await expect(ownerQuery(db, a.tenantId, `DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
    await expect(app.services.database.sql.query(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only|cannot truncate/);
    expect(await scope.db.auditEvent.count({ where: { action: "tampered" } })).toBe(0);
  });

  it("a malformed or foreign-typed global id is a clear error, not a crash", async () => {
    const bad = await app.gql(`{ node(id: "not-base64!!") { id } }`, {}, app.as(keyA));
    expect(bad.errors?.[0]?.message).toMatch(/is not a valid id/);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
