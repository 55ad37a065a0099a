// The audit log through the API: what an event holds, who may read it, filters,
// that nobody can change it, and that each tenant sees only its own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE } from "../support/app.js";
import { ownerQuery } from "../support/database.js";
import { backOffice, mutate, ok, query, rowCounts, rowId, type BackOffice, type Gql } from "./back-office-support.js";

const EVENT = "id actorType actorId actorName action entityType entityId entityNodeId before after requestId createdAt";

describe(`audit log (${ENGINE})`, () => {
  let bo: BackOffice;
  let gA: Gql;
  let gB: Gql;
  let as: Record<"owner" | "admin" | "auditor" | "backOffice" | "agent", Gql>;
  let backOfficeId: string;
  let recordId: string;

  const events = (g: Gql, args = "") => g(`{ auditEvents${args} { totalCount edges { node { ${EVENT} } } } }`);

  beforeAll(async () => {
    bo = await backOffice("au");
    ({ gA, gB } = bo);
    const app = bo.app;
    as = {
      owner: bo.asOperatorInA(await app.operator("owner@au.test", { "au-a": "OWNER" })),
      admin: bo.asOperatorInA(await app.operator("admin@au.test", { "au-a": "ADMIN" })),
      auditor: bo.asOperatorInA(await app.operator("auditor@au.test", { "au-a": "AUDITOR" })),
      backOffice: bo.asOperatorInA(await app.operator("bo@au.test", { "au-a": "BACK_OFFICE" })),
      agent: bo.asOperatorInA(await app.operator("agent@au.test", { "au-a": "AGENT" })),
    };
    backOfficeId = (await app.services.directory.getOperatorByEmail("bo@au.test")).id;
    recordId = ok(await mutate(as.backOffice, "createRecord", { type: "contract", reference: "A-1", title: "Before" })).id;
    ok(await mutate(as.backOffice, "updateRecord", { id: recordId, title: "After" }));
  });
  afterAll(() => bo?.app.close());

  it("records who changed what, with the state before and after", async () => {
    const res = await query(as.auditor, `query($e: String!) { auditEvents(filter: {entityId: $e}) { totalCount edges { node { ${EVENT} } } } }`, { e: recordId });
    expect(res.auditEvents.totalCount).toBe(2);
    const [updated, created] = res.auditEvents.edges.map((e: any) => e.node);
    expect(created).toMatchObject({ action: "record.created", actorType: "OPERATOR", actorId: backOfficeId, actorName: "bo@au.test", entityType: "Record", before: null });
    expect(updated).toMatchObject({
      action: "record.updated",
      actorType: "OPERATOR",
      actorId: backOfficeId,
      entityType: "Record",
      entityId: rowId(recordId),
      entityNodeId: recordId,
      before: { title: "Before", version: 1 },
      after: { title: "After", version: 2 },
    });
    expect(updated.requestId).toMatch(/\S+/);
    expect(Date.parse(updated.createdAt)).toBeGreaterThanOrEqual(Date.parse(created.createdAt));
    // The event's entity opens as a node.
    const node = await query(as.auditor, `query($id: ID!) { node(id: $id) { ... on BusinessRecord { title } } }`, { id: updated.entityNodeId });
    expect(node.node).toEqual({ title: "After" });
    const event = await query(as.auditor, `query($id: ID!) { node(id: $id) { ... on AuditEvent { action } } }`, { id: updated.id });
    expect(event.node).toEqual({ action: "record.updated" });
  });

  it("is readable by OWNER, ADMIN, AUDITOR and admin API keys only", async () => {
    for (const role of ["owner", "admin", "auditor"] as const) {
      const res = await events(as[role]);
      expect([role, res.errors, res.data.auditEvents.totalCount > 0]).toEqual([role, undefined, true]);
    }
    expect((await events(gA)).errors).toBeUndefined();
    const backKey = await bo.app.apiKey("au-a", ["BACK_READ", "BACK_WRITE"]);
    const backOnly: Gql = (q, v) => bo.app.gql(q, v, bo.app.as(backKey));
    for (const [who, g] of [["backOffice", as.backOffice], ["agent", as.agent], ["back-office key", backOnly]] as const) {
      expect([who, (await events(g)).errors?.[0]?.extensions?.code]).toEqual([who, "FORBIDDEN"]);
    }
    // Not through `node` either.
    const id = (await query(as.auditor, `{ auditEvents(first: 1) { edges { node { id } } } }`)).auditEvents.edges[0].node.id;
    const viaNode = await as.backOffice(`query($id: ID!) { node(id: $id) { ... on AuditEvent { action before } } }`, { id });
    expect(viaNode.data?.node ?? null).toBeNull();
    expect(viaNode.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("filters by action, entity, actor and time, newest first unless asked otherwise", async () => {
    const s = ok(
      await mutate(gA, "createSettlement", { idempotencyKey: "au-1", reference: "S-1", counterparty: "Bank", amount: "5.00", currency: "EUR", direction: "PAYABLE", valueDate: "2026-12-01" }, "settlement { id }"),
    ).settlement.id;
    ok(await mutate(gA, "transitionSettlement", { id: s, status: "CLEARED" }));
    const list = async (filter: string, extra = "") =>
      (await query(as.auditor, `{ auditEvents(filter: {${filter}} ${extra}) { totalCount edges { node { action actorType entityType } } } }`)).auditEvents;
    const prefix = await list(`action: "settlement."`);
    expect(prefix.edges.map((e: any) => e.node.action)).toEqual(["settlement.cleared", "settlement.created"]);
    expect((await list(`action: "settlement.", `, `, orderBy: {field: CREATED_AT, direction: ASC}`)).edges.map((e: any) => e.node.action)).toEqual([
      "settlement.created",
      "settlement.cleared",
    ]);
    expect((await list(`action: "settlement.cleared"`)).totalCount).toBe(1);
    expect((await list(`action: "settlement"`)).totalCount).toBe(0);
    expect((await list(`entityType: "Record"`)).totalCount).toBe(2);
    expect((await list(`actorType: OPERATOR, entityType: "Record"`)).totalCount).toBe(2);
    expect((await list(`actorType: API_KEY, entityType: "Record"`)).totalCount).toBe(0);
    expect((await list(`actorId: "${backOfficeId}"`)).totalCount).toBe(2);
    expect((await list(`entityId: "${rowId(s)}"`)).totalCount).toBe(2);
    expect((await list(`entityId: "${s}"`)).totalCount).toBe(2);
    expect((await list(`from: "2099-01-01T00:00:00Z"`)).totalCount).toBe(0);
    expect((await list(`to: "2000-01-01T00:00:00Z"`)).totalCount).toBe(0);
    const now = new Date(Date.now() + 60_000).toISOString();
    expect((await list(`action: "settlement.", from: "2000-01-01T00:00:00Z", to: "${now}"`)).totalCount).toBe(2);
    expect((await as.auditor(`{ auditEvents(first: 101) { totalCount } }`)).errors?.[0]?.message).toMatch(/between 0 and 100/);
  });

  it("cannot be changed: no mutation offers it, and the database refuses updates and deletes", async () => {
    const mutations = (await query(gA, `{ __schema { mutationType { fields { name } } } }`)).__schema.mutationType.fields.map((f: any) => f.name);
    expect(mutations.filter((n: string) => /audit/i.test(n))).toEqual([]);
    const tenant = await bo.app.services.directory.getTenant("au-a");
    const scope = bo.app.services.scopes.forTenant(tenant.id);
    const before = await rowCounts(bo.app, "au-a");
    await expect(scope.db.auditEvent.updateMany({ data: { action: "tampered" } })).rejects.toThrow(/permission denied/);
    await expect(scope.db.auditEvent.deleteMany({})).rejects.toThrow(/permission denied/);
    const raw = await scope.tx((tx) => tx.$executeRaw`UPDATE "AuditEvent" SET "after" = '{}'::jsonb`).catch((e: any) => e);
    expect([raw.message, raw.meta?.driverAdapterError?.message, raw.meta?.driverAdapterError?.cause?.message].join(" ")).toMatch(/permission denied/);
    // The table owner is refused as well: only appending is possible.
    // (It reaches the rows only with the tenant set: row-level security is forced on the owner too.)
    await expect(ownerQuery(bo.app.services.database, tenant.id, `UPDATE "AuditEvent" SET action = 'tampered' WHERE "tenantId" = $1`, [tenant.id])).rejects.toThrow(/append-only/);
    await expect(ownerQuery(bo.app.services.database, tenant.id, `DELETE FROM "AuditEvent" WHERE "tenantId" = $1`, [tenant.id])).rejects.toThrow(/append-only/);
    expect(await rowCounts(bo.app, "au-a")).toEqual(before);
    expect((await query(as.auditor, `{ auditEvents(filter: {action: "tampered"}) { totalCount } }`)).auditEvents.totalCount).toBe(0);
  });

  it("shows each tenant only its own events", async () => {
    ok(await mutate(gB, "createRecord", { type: "contract", reference: "B-1", title: "In B" }));
    const inB = await query(gB, `{ auditEvents(first: 100) { totalCount edges { node { id action entityId } } } }`);
    const inA = await query(gA, `{ auditEvents(first: 100) { edges { node { id } } } }`);
    const idsA = new Set(inA.auditEvents.edges.map((e: any) => e.node.id));
    expect(inB.auditEvents.edges.some((e: any) => idsA.has(e.node.id))).toBe(false);
    expect(inB.auditEvents.edges.map((e: any) => e.node.action)).toContain("record.created");
    expect((await query(gB, `query($e: String!) { auditEvents(filter: {entityId: $e}) { totalCount } }`, { e: recordId })).auditEvents.totalCount).toBe(0);
    const someA = [...idsA][0] as string;
    expect((await query(gB, `query($id: ID!) { node(id: $id) { id } }`, { id: someA })).node).toBeNull();
  });
});
