// Memberships and API keys change together with their audit event, or not at all.
// A trigger makes the audit insert fail on purpose; the change must not stay behind.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/domain/actor.js";
import { createTestApp, ENGINE, TEST_PASSWORD, type TestApp } from "../support/app.js";

describe(`directory changes are atomic with their audit events (${ENGINE})`, () => {
  let app: TestApp;
  let tenantId: string;

  const audits = (action: string) =>
    app.services.scopes.forTenant(tenantId).db.auditEvent.count({ where: { action } });

  /** Makes every audit insert with one of these actions fail, as a crash between the two writes would. */
  async function failAudits(actions: string[]) {
    await app.services.database.sql.exec(`
      CREATE OR REPLACE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.action = ANY (ARRAY[${actions.map((a) => `'${a}'`).join(",")}]::text[]) THEN
          RAISE EXCEPTION 'audit write failed on purpose';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_fail_audit BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION test_fail_audit();`);
  }

  beforeAll(async () => {
    app = await createTestApp();
    tenantId = (await app.tenant("dir-a")).id;
    await app.services.directory.createOperator({ email: "member@bpo.test", name: "Member", password: TEST_PASSWORD });
  });
  afterEach(async () => {
    await app.services.database.sql.exec(`DROP TRIGGER IF EXISTS test_fail_audit ON "AuditEvent"; DROP FUNCTION IF EXISTS test_fail_audit()`);
  });
  afterAll(() => app?.close());

  const membership = async () =>
    (await app.services.database.prisma.membership.findMany({ where: { tenantId, operator: { email: "member@bpo.test" } } })).map((m) => m.role);

  it("addMember: no membership and no role change without the audit event", async () => {
    await failAudits(["membership.added", "membership.role_changed"]);
    await expect(app.services.directory.addMember("dir-a", "member@bpo.test", "AGENT", SYSTEM_ACTOR)).rejects.toThrow(/on purpose/);
    expect(await membership()).toEqual([]);
    await app.services.database.sql.exec(`DROP TRIGGER test_fail_audit ON "AuditEvent"`);

    await app.services.directory.addMember("dir-a", "member@bpo.test", "AGENT", SYSTEM_ACTOR);
    expect(await membership()).toEqual(["AGENT"]);
    expect(await audits("membership.added")).toBe(1);

    await failAudits(["membership.role_changed"]);
    await expect(app.services.directory.addMember("dir-a", "member@bpo.test", "ADMIN", SYSTEM_ACTOR)).rejects.toThrow(/on purpose/);
    expect(await membership()).toEqual(["AGENT"]);
    expect(await audits("membership.role_changed")).toBe(0);
  });

  it("removeMember: the membership stays when its audit event cannot be written", async () => {
    await failAudits(["membership.removed"]);
    await expect(app.services.directory.removeMember("dir-a", "member@bpo.test", SYSTEM_ACTOR)).rejects.toThrow(/on purpose/);
    expect(await membership()).toEqual(["AGENT"]);
    await app.services.database.sql.exec(`DROP TRIGGER test_fail_audit ON "AuditEvent"`);
    await app.services.directory.removeMember("dir-a", "member@bpo.test", SYSTEM_ACTOR);
    expect(await membership()).toEqual([]);
    expect(await audits("membership.removed")).toBe(1);
  });

  it("createApiKey: no key without its audit event", async () => {
    const before = (await app.services.directory.listApiKeys("dir-a")).length;
    await failAudits(["api_key.created"]);
    await expect(app.services.directory.createApiKey("dir-a", { name: "x", scopes: ["FRONT_READ"] }, SYSTEM_ACTOR)).rejects.toThrow(/on purpose/);
    expect(await app.services.directory.listApiKeys("dir-a")).toHaveLength(before);
  });

  it("revokeApiKey: the key keeps working when the revocation's audit event cannot be written; revoked once, audited once", async () => {
    const secret = await app.apiKey("dir-a", ["FRONT_READ"]);
    const me = () => app.gql(`{ me { tenant { slug } } }`, {}, app.as(secret));
    const [key] = (await app.services.directory.listApiKeys("dir-a")).filter((k) => !k.revokedAt).slice(-1);

    await failAudits(["api_key.revoked"]);
    await expect(app.services.directory.revokeApiKey("dir-a", key!.id, SYSTEM_ACTOR)).rejects.toThrow(/on purpose/);
    expect((await app.services.directory.listApiKeys("dir-a")).find((k) => k.id === key!.id)!.revokedAt).toBeNull();
    expect((await me()).data.me.tenant.slug).toBe("dir-a");
    expect(await audits("api_key.revoked")).toBe(0);
    await app.services.database.sql.exec(`DROP TRIGGER test_fail_audit ON "AuditEvent"`);

    // Two revocations at once: one revokes and audits, the other finds it revoked.
    const [r1, r2] = await Promise.all([
      app.services.directory.revokeApiKey("dir-a", key!.id, SYSTEM_ACTOR),
      app.services.directory.revokeApiKey("dir-a", key!.id, SYSTEM_ACTOR),
    ]);
    expect(r1.revokedAt).not.toBeNull();
    expect(r2.revokedAt).toEqual(r1.revokedAt);
    expect(await audits("api_key.revoked")).toBe(1);
    expect((await me()).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
