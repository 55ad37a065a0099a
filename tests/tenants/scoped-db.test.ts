// Tenant scopes, in both ways of setting the tenant (set_config, the default, and
// SET LOCAL statements, for Citus): the role, the tenant and the statement timeout
// hold for every statement of a scope and end with its transaction; `within` puts
// one step of a root transaction under a tenant and hands it back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_ROLE, TenantScopes, type TenantSettingsMode } from "../../src/tenants/scoped-db.js";
import { createTestApp, ENGINE, globalId, type TestApp } from "../support/app.js";

describe.each<TenantSettingsMode>(["set_config", "set_local"])(`tenant scopes with %s (${ENGINE})`, (mode) => {
  let app: TestApp;
  let scopes: TenantScopes;
  let a: { id: string };
  let b: { id: string };
  let contactA: string;

  beforeAll(async () => {
    app = await createTestApp({ tenantSettings: mode, statementTimeoutMs: 4_321 });
    scopes = app.services.scopes;
    a = await app.tenant("scope-a");
    b = await app.tenant("scope-b");
    contactA = (await scopes.forTenant(a.id).db.contact.create({ data: { tenantId: a.id, name: "In A" } })).id;
    await scopes.forTenant(b.id).db.contact.create({ data: { tenantId: b.id, name: "In B" } });
  });
  afterAll(() => app?.close());

  it("uses the configured mode", () => {
    expect(scopes.mode).toBe(mode);
  });

  it("runs every statement of a scope as the app role, with the tenant and the statement timeout set", async () => {
    const settings = async () =>
      (await scopes.forTenant(a.id).db.$queryRaw<{ role: string; tenant: string; timeout: string }[]>`
        SELECT current_user::text AS role, current_setting('app.tenant_id', true) AS tenant, current_setting('statement_timeout') AS timeout`)[0];
    expect(await settings()).toEqual({ role: APP_ROLE, tenant: a.id, timeout: "4321ms" });
    const inTx = await scopes.forTenant(a.id).tx(async (tx) => (await tx.$queryRaw<{ role: string; tenant: string }[]>`
      SELECT current_user::text AS role, current_setting('app.tenant_id', true) AS tenant`)[0]);
    expect(inTx).toEqual({ role: APP_ROLE, tenant: a.id });
  });

  it("leaves nothing behind on the connection once the transaction ends", async () => {
    await scopes.forTenant(a.id).db.contact.count();
    // The root client's pool: the connection the scope just used goes back to it.
    const [after] = await app.services.database.prisma.$queryRaw<{ role: string; tenant: string | null }[]>`
      SELECT current_user::text AS role, current_setting('app.tenant_id', true) AS tenant`;
    expect(after!.role).not.toBe(APP_ROLE);
    expect(after!.tenant ?? "").toBe("");
  });

  it("sees only its tenant's rows and cannot write into another tenant", async () => {
    expect((await scopes.forTenant(a.id).db.contact.findMany()).map((c) => c.name)).toEqual(["In A"]);
    expect(await scopes.forTenant(b.id).db.contact.findUnique({ where: { tenantId_id: { tenantId: a.id, id: contactA } } })).toBeNull();
    await expect(scopes.forTenant(b.id).db.contact.create({ data: { tenantId: a.id, name: "intruder" } })).rejects.toThrow(/row-level security/);
    expect((await scopes.forTenants([a.id, b.id]).db.contact.findMany({ orderBy: { name: "asc" } })).map((c) => c.name)).toEqual(["In A", "In B"]);
  });

  it("serves the API the same way: B does not find A's contact", async () => {
    const keyB = await app.apiKey("scope-b");
    const res = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: globalId("Contact", contactA) }, app.as(keyB));
    expect(res.errors).toBeUndefined();
    expect(res.data.node).toBeNull();
  });

  it("within: one step of a root transaction runs under the tenant, then the root role is back; a failure rolls back both", async () => {
    const root = app.services.database.prisma;
    const seen = await root.$transaction(async (tx) => {
      const inside = await scopes.within(tx, a.id, async (t) => (await t.$queryRaw<{ role: string; n: bigint }[]>`
        SELECT current_user::text AS role, (SELECT count(*) FROM "Contact") AS n`)[0]);
      const [back] = await tx.$queryRaw<{ role: string; tenant: string }[]>`SELECT current_user::text AS role, current_setting('app.tenant_id', true) AS tenant`;
      return { inside, back };
    });
    expect(seen.inside).toEqual({ role: APP_ROLE, n: 1n });
    expect(seen.back!.role).not.toBe(APP_ROLE);
    expect(seen.back!.tenant).toBe("");

    const failed = await root
      .$transaction(async (tx) => {
        await tx.operator.create({ data: { email: `within-${mode}@bpo.test`, name: "x", passwordHash: "x" } });
        await scopes.within(tx, a.id, (t) => t.contact.create({ data: { tenantId: a.id, name: "rolled back" } }));
        throw new Error("boom");
      })
      .catch((e: Error) => e);
    expect(failed).toBeInstanceOf(Error);
    expect(await root.operator.findUnique({ where: { email: `within-${mode}@bpo.test` } })).toBeNull();
    expect(await scopes.forTenant(a.id).db.contact.count({ where: { name: "rolled back" } })).toBe(0);
  });

  it("refuses a tenant id that could break out of SET LOCAL", async () => {
    expect(() => scopes.forTenant("x'; RESET ROLE; --")).toThrow(/Invalid tenant id/);
    await expect(app.services.database.prisma.$transaction((tx) => scopes.within(tx, "x'--", async () => 1))).rejects.toThrow(/Invalid tenant id/);
  });
});
