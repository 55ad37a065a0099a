// One operator, two tenants, two roles: each tenant's rights apply in that tenant only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, globalId, type TestApp } from "../support/app.js";
import { seedEveryModel, type TenantRows } from "../support/fixtures.js";

describe(`roles per tenant (${ENGINE})`, () => {
  let app: TestApp;
  let token: string;
  let front: TenantRows;
  let audit: TenantRows;

  beforeAll(async () => {
    app = await createTestApp();
    token = await app.operator("two-hats@bpo.test", { "role-agent": "AGENT", "role-auditor": "AUDITOR" });
    front = await seedEveryModel(app.services, (await app.tenant("role-agent")).id, "ra");
    audit = await seedEveryModel(app.services, (await app.tenant("role-auditor")).id, "rb");
  });
  afterAll(() => app?.close());

  const nodeQuery = `query($id: ID!) { node(id: $id) { id } }`;

  it("reports each tenant's role and permissions", async () => {
    const inA = await app.gql("{ me { role permissions tenant { slug } } }", {}, app.as(token, "role-agent"));
    expect(inA.data.me).toEqual({ role: "AGENT", permissions: ["front:read", "front:write"], tenant: { slug: "role-agent" } });
    const inB = await app.gql("{ me { role permissions } }", {}, app.as(token, "role-auditor"));
    expect(inB.data.me).toEqual({ role: "AUDITOR", permissions: ["audit:read", "back:read", "front:read"] });
  });

  it("lets the AGENT read front-office data but not back-office data or the audit log", async () => {
    const ticket = await app.gql(nodeQuery, { id: globalId("Ticket", front.ids.Ticket!) }, app.as(token, "role-agent"));
    expect(ticket.data.node).not.toBeNull();
    const record = await app.gql(nodeQuery, { id: globalId("BusinessRecord", front.ids.Record!) }, app.as(token, "role-agent"));
    expect(record.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const event = await app.gql(nodeQuery, { id: globalId("AuditEvent", front.ids.AuditEvent!) }, app.as(token, "role-agent"));
    expect(event.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("lets the same operator, as AUDITOR in the other tenant, read back office and audit there", async () => {
    const record = await app.gql(nodeQuery, { id: globalId("BusinessRecord", audit.ids.Record!) }, app.as(token, "role-auditor"));
    expect(record.data.node).not.toBeNull();
    const event = await app.gql(nodeQuery, { id: globalId("AuditEvent", audit.ids.AuditEvent!) }, app.as(token, "role-auditor"));
    expect(event.data.node).not.toBeNull();
  });

  it("does not carry one tenant's rights into the other: the AUDITOR tenant's audit event is not visible from the AGENT tenant", async () => {
    const crossAudit = await app.gql(nodeQuery, { id: globalId("Ticket", audit.ids.Ticket!) }, app.as(token, "role-agent"));
    expect(crossAudit.data.node).toBeNull();
  });

  it("limits API keys to their scopes", async () => {
    const frontOnly = await app.apiKey("role-agent", ["FRONT_READ"]);
    expect((await app.gql("{ me { permissions } }", {}, app.as(frontOnly))).data.me.permissions).toEqual(["front:read"]);
    const record = await app.gql(nodeQuery, { id: globalId("BusinessRecord", front.ids.Record!) }, app.as(frontOnly));
    expect(record.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const backOnly = await app.apiKey("role-agent", ["BACK_READ"]);
    const ticket = await app.gql(nodeQuery, { id: globalId("Ticket", front.ids.Ticket!) }, app.as(backOnly));
    expect(ticket.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("takes a removed membership away at once, even with a token issued before", async () => {
    const t = await app.operator("leaver@bpo.test", { "role-agent": "AGENT" });
    expect((await app.gql("{ tenant { slug } }", {}, app.as(t, "role-agent"))).data.tenant.slug).toBe("role-agent");
    await app.services.directory.removeMember("role-agent", "leaver@bpo.test", { type: "SYSTEM" });
    const after = await app.gql("{ tenant { slug } }", {}, app.as(t, "role-agent"));
    expect(after.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
