// A tenant's admins change its name and settings through GraphQL: only the fields
// given change, the whole is validated, every change is audited, and new SLA targets
// reach the tickets opened afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";
import { mutate, newContact, newTicket, ok, type Gql } from "./front-office-support.js";

const TENANT = `{ tenant { name locale timeZone slaPolicy { priority firstResponseMinutes resolutionMinutes } frontDesk { groupsEnabled askNps askCes } } }`;
const SELECT = "name locale timeZone slaPolicy { priority firstResponseMinutes resolutionMinutes } frontDesk { groupsEnabled askNps askCes }";

describe(`tenant settings (${ENGINE})`, () => {
  let app: TestApp;
  let admin: Gql;
  let agent: Gql;
  let otherAdmin: Gql;
  beforeAll(async () => {
    app = await createTestApp();
    const a = await app.operator("admin@set.test", { "set-a": "ADMIN", "set-b": "AGENT" });
    const g = await app.operator("agent@set.test", { "set-a": "AGENT" });
    const b = await app.operator("admin@setb.test", { "set-b": "ADMIN" });
    admin = (q, v) => app.gql(q, v, app.as(a, "set-a"));
    agent = (q, v) => app.gql(q, v, app.as(g, "set-a"));
    otherAdmin = (q, v) => app.gql(q, v, app.as(b, "set-b"));
  });
  afterAll(() => app?.close());

  const update = (g: Gql, input: Record<string, unknown>) => mutate(g, "updateTenant", "UpdateTenantInput", input, SELECT);

  it("changes only the fields given, and audits the change with before and after", async () => {
    const before = (await admin(TENANT)).data.tenant;
    const after = ok(await update(admin, { locale: "de", slaPolicy: [{ priority: "NORMAL", firstResponseMinutes: 60, resolutionMinutes: 480 }], frontDesk: { askNps: true } }));
    expect(after).toMatchObject({ name: before.name, locale: "de", timeZone: "UTC", frontDesk: { groupsEnabled: false, askNps: true, askCes: false } });
    expect(after.slaPolicy.find((s: any) => s.priority === "NORMAL")).toEqual({ priority: "NORMAL", firstResponseMinutes: 60, resolutionMinutes: 480 });
    // The other priorities keep their targets.
    expect(after.slaPolicy.filter((s: any) => s.priority !== "NORMAL")).toEqual(before.slaPolicy.filter((s: any) => s.priority !== "NORMAL"));
    expect((await admin(TENANT)).data.tenant).toEqual(after);
    const tenant = await app.services.directory.getTenant("set-a");
    const events = await app.services.scopes.forTenant(tenant.id).db.auditEvent.findMany({ where: { action: "tenant.updated" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: "OPERATOR", entityType: "Tenant", entityId: tenant.id });
    expect((events[0]!.before as any).settings.locale).toBe("en");
    expect((events[0]!.after as any).settings.locale).toBe("de");
  });

  it("gives tickets opened afterwards the new SLA targets", async () => {
    ok(await update(admin, { slaPolicy: [{ priority: "HIGH", firstResponseMinutes: 15, resolutionMinutes: 120 }] }));
    const contactId = await newContact(admin, "Ada");
    const ticket = await newTicket(admin, contactId, { priority: "HIGH" });
    const read = await admin(`query($id: ID!) { node(id: $id) { ... on Ticket { createdAt firstResponseDueAt resolutionDueAt } } }`, { id: ticket.id });
    const { createdAt, firstResponseDueAt, resolutionDueAt } = read.data.node;
    expect(Date.parse(firstResponseDueAt) - Date.parse(createdAt)).toBe(15 * 60_000);
    expect(Date.parse(resolutionDueAt) - Date.parse(createdAt)).toBe(120 * 60_000);
  });

  it("refuses settings it could not hold, naming the field, and changes nothing", async () => {
    const before = (await admin(TENANT)).data.tenant;
    const cases: [Record<string, unknown>, string][] = [
      [{ locale: "english" }, "settings.locale"],
      [{ timeZone: "Mars/Olympus_Mons" }, "settings.timeZone"],
      [{ slaPolicy: [{ priority: "LOW", firstResponseMinutes: 600, resolutionMinutes: 60 }] }, "settings.slaPolicy.LOW"],
      [{ slaPolicy: [{ priority: "LOW", firstResponseMinutes: 0, resolutionMinutes: 60 }] }, "settings.slaPolicy.LOW.firstResponseMinutes"],
      [{ name: "  " }, "name"],
    ];
    for (const [input, field] of cases) {
      expect(await update(admin, input)).toMatchObject({ __typename: "ValidationError", field });
    }
    expect((await admin(TENANT)).data.tenant).toEqual(before);
  });

  it("is for admins of the tenant only", async () => {
    const before = (await admin(TENANT)).data.tenant;
    const refused = await agent(`mutation { updateTenant(input: { name: "Hijacked" }) { __typename } }`);
    expect(JSON.stringify(refused)).toMatch(/ForbiddenError|FORBIDDEN/);
    // An admin of another tenant changes their own tenant, never this one.
    ok(await update(otherAdmin, { name: "Renamed B" }));
    expect((await admin(TENANT)).data.tenant).toEqual(before);
    expect((await otherAdmin(TENANT)).data.tenant.name).toBe("Renamed B");
  });
});
