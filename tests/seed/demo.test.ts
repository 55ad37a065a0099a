// The demo seed is all or nothing: a failure at any point leaves an empty database,
// so the next start seeds again (it used to leave tenants behind and then never seed).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { seedDemoIfEmpty } from "../../src/seed/demo.js";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";

describe(`demo seed (${ENGINE})`, () => {
  let app: TestApp;

  const counts = async () => {
    const p = app.services.database.prisma;
    return { tenants: await p.tenant.count(), operators: await p.operator.count(), memberships: await p.membership.count(), apiKeys: await p.apiKey.count() };
  };
  const empty = { tenants: 0, operators: 0, memberships: 0, apiKeys: 0 };

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterEach(async () => {
    await app.services.database.sql.exec(`DROP TRIGGER IF EXISTS test_fail_seed ON "Settlement"; DROP FUNCTION IF EXISTS test_fail_seed()`);
  });
  afterAll(() => app?.close());

  it("leaves nothing behind when it fails early (a demo operator already exists)", async () => {
    await app.services.directory.createOperator({ email: "sam@bpo.example", name: "Sam", password: "a long enough password" });
    await expect(seedDemoIfEmpty(app.services)).rejects.toThrow(/already exists/);
    expect(await counts()).toEqual({ ...empty, operators: 1 });
    await app.services.database.prisma.operator.delete({ where: { email: "sam@bpo.example" } });
  });

  it("leaves nothing behind when it fails at the very end (the second tenant's sample data)", async () => {
    // Globex's settlement is one of the last rows written; the trigger runs as the app role, inside globex's scope.
    await app.services.database.sql.exec(`
      CREATE FUNCTION test_fail_seed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.reference = 'REFUND-2001' THEN RAISE EXCEPTION 'crash while seeding, on purpose'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_fail_seed BEFORE INSERT ON "Settlement" FOR EACH ROW EXECUTE FUNCTION test_fail_seed();`);
    await expect(seedDemoIfEmpty(app.services)).rejects.toThrow(/on purpose/);
    expect(await counts()).toEqual(empty);
  });

  it("then seeds on the next start, once, even when two processes start at the same time", async () => {
    const results = await Promise.all([seedDemoIfEmpty(app.services), seedDemoIfEmpty(app.services)]);
    const seeded = results.filter((r) => r !== null);
    expect(seeded).toHaveLength(1);
    expect(await counts()).toEqual({ tenants: 2, operators: 2, memberships: 4, apiKeys: 2 });
    const creds = seeded[0]!;
    for (const key of creds.apiKeys) {
      const res = await app.gql(`{ tenant { slug } tickets(first: 10) { totalCount } }`, {}, app.as(key.secret));
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ tenant: { slug: key.tenant }, tickets: { totalCount: 3 } });
    }
    // Every membership has its audit event.
    const acme = await app.services.directory.getTenant("acme-insurance");
    expect(await app.services.scopes.forTenant(acme.id).db.auditEvent.count({ where: { action: "membership.added" } })).toBe(2);
    expect(await seedDemoIfEmpty(app.services)).toBeNull();
  });
});
