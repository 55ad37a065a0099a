// The database role Tandem connects as. On PostgreSQL the test suite connects like
// production: as a role that owns the database but is neither superuser nor BYPASSRLS
// (tests/support/database.ts), so row-level security applies to the root connection
// exactly as it would in production. These tests pin down what that connection may do.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";
import { ownerQuery } from "../support/database.js";

describe(`database role (${ENGINE})`, () => {
  let app: TestApp;
  let a: { id: string; slug: string };
  let b: { id: string; slug: string };

  beforeAll(async () => {
    app = await createTestApp();
    a = await app.tenant("role-a");
    b = await app.tenant("role-b");
  });
  afterAll(() => app?.close());

  it.runIf(ENGINE === "postgres")("connects as the owner of the tables, without superuser or BYPASSRLS", async () => {
    const [me] = await app.services.database.sql.query<{ rolsuper: boolean; rolbypassrls: boolean; owner: boolean }>(
      `SELECT r.rolsuper, r.rolbypassrls, t.tableowner = current_user AS owner
       FROM pg_roles r, pg_tables t WHERE r.rolname = current_user AND t.schemaname = 'public' AND t.tablename = 'Tenant'`,
    );
    expect(me).toEqual({ rolsuper: false, rolbypassrls: false, owner: true });
  });

  it("keeps row-level security on the Tenant table for everyone but its owner (enabled, not forced)", async () => {
    const [t] = await app.services.database.sql.query<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = '"Tenant"'::regclass`,
    );
    expect(t).toEqual({ relrowsecurity: true, relforcerowsecurity: false });
  });

  it("lets the root connection create, list and resolve tenants (CLI, seed, API keys, operator logins)", async () => {
    const created = await app.services.directory.createTenant({ slug: "role-c", name: "C" });
    expect((await app.services.directory.listTenants()).map((t) => t.slug)).toEqual(expect.arrayContaining(["role-a", "role-b", "role-c"]));
    expect((await app.services.directory.getTenant("role-c")).id).toBe(created.id);
    // API key and operator authentication read the tenant through the root connection.
    const key = await app.apiKey("role-a");
    const me = await app.gql(`{ me { tenant { slug } } }`, {}, app.as(key));
    expect(me.data.me.tenant.slug).toBe("role-a");
    const token = await app.operator("role-op@bpo.test", { "role-a": "AGENT", "role-b": "AUDITOR" });
    const asOp = await app.gql(`{ tenant { slug } }`, {}, app.as(token, "role-b"));
    expect(asOp.data.tenant.slug).toBe("role-b");
  });

  it("shows the app role only its own tenant's row, and never lets it write tenants", async () => {
    const scope = app.services.scopes.forTenant(b.id);
    expect((await scope.db.tenant.findMany()).map((t) => t.slug)).toEqual(["role-b"]);
    expect(await scope.db.tenant.findUnique({ where: { id: a.id } })).toBeNull();
    await expect(scope.db.tenant.update({ where: { id: b.id }, data: { name: "renamed" } })).rejects.toThrow(/permission denied/);
    await expect(scope.db.tenant.create({ data: { slug: "role-x", name: "X" } })).rejects.toThrow(/permission denied/);
  });

  it("keeps row-level security forced on the owner for tenant-owned tables: with a tenant set it sees that tenant's rows, without one nothing", async () => {
    await app.services.scopes.forTenant(a.id).db.contact.create({ data: { tenantId: a.id, name: "Only A" } });
    const db = app.services.database;
    const count = async (tenantId: string) => Number((await ownerQuery<{ n: string }>(db, tenantId, `SELECT count(*) AS n FROM "Contact"`))[0]!.n);
    expect(await count(a.id)).toBe(1);
    // PGlite's only user is a superuser, which bypasses row-level security: the rest holds for a real owner.
    if (ENGINE === "postgres") {
      expect(await count(b.id)).toBe(0);
      expect(Number((await db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM "Contact"`))[0]!.n)).toBe(0);
    }
  });
});
