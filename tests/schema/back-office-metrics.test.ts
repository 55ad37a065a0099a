// Back-office metrics and cost periods through the API, on a tenant whose every
// figure the test wrote itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE } from "../support/app.js";
import { backOffice, mutate, ok, query, rowCounts, type BackOffice, type Gql } from "./back-office-support.js";

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const at = (offset: number) => new Date(Date.now() + offset * DAY).toISOString();

const METRICS = `settlements { currency status count amount amountMinor }
  compliance { open overdue passed failed waived }
  recordsDueForRetentionReview settlementsProcessed checksProcessed
  costPeriods { periodStart periodEnd currency cost settlements checks transactions costPerTransaction }
  costPerTransaction { currency totalCost transactions amount }`;

describe(`back-office metrics (${ENGINE})`, () => {
  let bo: BackOffice;
  let gA: Gql;
  let gB: Gql;

  const metrics = async (g: Gql, from: string, to: string) =>
    (await query(g, `query($f: DateTime!, $t: DateTime!) { backOfficeMetrics(from: $f, to: $t) { ${METRICS} } }`, { f: from, t: to })).backOfficeMetrics;
  const setCost = (g: Gql, periodStart: string, periodEnd: string, amount: string, currency: string) =>
    mutate(g, "setBackOfficeCost", { periodStart, periodEnd, amount, currency }, "id periodStart periodEnd amount amountMinor currency");

  beforeAll(async () => {
    bo = await backOffice("bm");
    ({ gA, gB } = bo);
    let key = 0;
    const settle = async (amount: string, currency: string, moves: [string, string?][] = []) => {
      const { id } = ok(
        await mutate(gA, "createSettlement", { idempotencyKey: `m-${++key}`, reference: `M-${key}`, counterparty: "Bank", amount, currency, direction: "PAYABLE", valueDate: day(0) }, "settlement { id }"),
      ).settlement;
      for (const [status, reason] of moves) ok(await mutate(gA, "transitionSettlement", { id, status, reason }));
      return id;
    };
    await settle("10.00", "EUR");
    await settle("20.00", "EUR", [["CLEARED"]]);
    await settle("0.10", "EUR", [["CLEARED"], ["REVERSED", "Duplicate"]]);
    await settle("1500", "JPY", [["FAILED"]]);
    const check = async (dueAt: string, moves: [string, string?][] = []) => {
      const { id } = ok(await mutate(gA, "openComplianceCheck", { kind: "KYC", subjectId: bo.contactA, dueAt }));
      for (const [status, reason] of moves) ok(await mutate(gA, "transitionComplianceCheck", { id, status, reason }));
    };
    await check(at(-3)); // open and overdue
    await check(at(3), [["IN_REVIEW"]]); // open, in time
    await check(at(-3), [["IN_REVIEW"], ["PASSED"]]);
    await check(at(3), [["IN_REVIEW"], ["FAILED"]]);
    await check(at(3), [["IN_REVIEW"], ["WAIVED", "Not applicable"]]);
    const record = async (reference: string, retentionUntil: string, archive = false) => {
      const { id } = ok(await mutate(gA, "createRecord", { type: "file", reference, title: reference, retentionUntil }));
      if (archive) ok(await mutate(gA, "archiveRecord", { id }));
    };
    await record("due", at(-1));
    await record("later", at(30));
    await record("archived", at(-1), true);
  });
  afterAll(() => bo?.app.close());

  it("counts settlements per currency and status, compliance work and retention reviews, exactly", async () => {
    const m = await metrics(gA, at(-1), at(1));
    expect(m.settlements).toEqual([
      { currency: "EUR", status: "PENDING", count: 1, amount: "10.00", amountMinor: "1000" },
      { currency: "EUR", status: "CLEARED", count: 1, amount: "20.00", amountMinor: "2000" },
      { currency: "EUR", status: "REVERSED", count: 1, amount: "0.10", amountMinor: "10" },
      { currency: "JPY", status: "FAILED", count: 1, amount: "1500", amountMinor: "1500" },
    ]);
    expect(m.compliance).toEqual({ open: 2, overdue: 1, passed: 1, failed: 1, waived: 1 });
    expect(m.recordsDueForRetentionReview).toBe(1);
    expect([m.settlementsProcessed, m.checksProcessed]).toEqual([4, 3]);
    expect([m.costPeriods, m.costPerTransaction]).toEqual([[], null]);
    // A range in the past saw none of it (open and overdue are as of now).
    const past = await metrics(gA, at(-30), at(-20));
    expect([past.settlements, past.settlementsProcessed, past.checksProcessed, past.recordsDueForRetentionReview]).toEqual([[], 0, 0, 0]);
    expect(past.compliance).toEqual({ open: 2, overdue: 1, passed: 0, failed: 0, waived: 0 });

    const inverted = await gA(`query($f: DateTime!, $t: DateTime!) { backOfficeMetrics(from: $f, to: $t) { settlementsProcessed } }`, { f: at(1), t: at(-1) });
    expect(inverted.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "to" });
  });

  it("divides the cost of a period by the transactions processed in it, in exact minor units", async () => {
    const cost = ok(await setCost(gA, day(-10), day(10), "1000.00", "EUR"));
    expect(cost).toMatchObject({ periodStart: day(-10), periodEnd: day(10), amount: "1000.00", amountMinor: "100000", currency: "EUR" });
    const m = await metrics(gA, at(-1), at(1));
    // 4 settlements + 3 decided checks = 7; 1000.00 / 7 = 142.857… → 142.86.
    expect(m.costPeriods).toEqual([
      { periodStart: day(-10), periodEnd: day(10), currency: "EUR", cost: "1000.00", settlements: 4, checks: 3, transactions: 7, costPerTransaction: "142.86" },
    ]);
    expect(m.costPerTransaction).toEqual({ currency: "EUR", totalCost: "1000.00", transactions: 7, amount: "142.86" });

    // Replacing the period's cost updates it (and is audited); setting the same again writes nothing.
    ok(await setCost(gA, day(-10), day(10), "700.00", "EUR"));
    expect((await metrics(gA, at(-1), at(1))).costPerTransaction).toEqual({ currency: "EUR", totalCost: "700.00", transactions: 7, amount: "100.00" });
    const counts = await rowCounts(bo.app, "bm-a");
    ok(await setCost(gA, day(-10), day(10), "700.0", "eur"));
    expect(await rowCounts(bo.app, "bm-a")).toEqual(counts);
    const audit = await query(gA, `{ auditEvents(filter: {action: "back_office_cost.set"}) { edges { node { before after } } } }`);
    expect(audit.auditEvents.edges.map((e: any) => [e.node.before?.amountMinor ?? null, e.node.after.amountMinor])).toEqual([
      ["100000", "70000"],
      [null, "100000"],
    ]);

    // A later period without transactions, in another currency: its own figure is null, and so is the total.
    ok(await setCost(gA, day(11), day(20), "50.00", "USD"));
    const wide = await metrics(gA, at(-30), at(30));
    expect(wide.costPeriods.map((p: any) => [p.currency, p.cost, p.transactions, p.costPerTransaction])).toEqual([
      ["EUR", "700.00", 7, "100.00"],
      ["USD", "50.00", 0, null],
    ]);
    expect(wide.costPerTransaction).toBeNull();
    const costs = await query(gA, `{ backOfficeCosts { totalCount edges { node { periodStart currency amount } } } }`);
    expect(costs.backOfficeCosts).toEqual({
      totalCount: 2,
      edges: [{ node: { periodStart: day(11), currency: "USD", amount: "50.00" } }, { node: { periodStart: day(-10), currency: "EUR", amount: "700.00" } }],
    });
  });

  it("refuses overlapping and malformed cost periods, writing nothing", async () => {
    const before = await rowCounts(bo.app, "bm-a");
    const overlap = await setCost(gA, day(5), day(15), "1.00", "EUR");
    expect(overlap.__typename).toBe("ConflictError");
    expect(overlap.message).toMatch(new RegExp(`overlaps ${day(-10)} – ${day(10)}`));
    expect(await setCost(gA, day(3), day(1), "1.00", "EUR")).toMatchObject({ __typename: "ValidationError", field: "periodEnd" });
    expect(await setCost(gA, "2031-02-30", "2031-03-31", "1.00", "EUR")).toMatchObject({ __typename: "ValidationError", field: "periodStart" });
    expect(await setCost(gA, "2031-01-01", "2031-01-31", "1.001", "EUR")).toMatchObject({ __typename: "ValidationError", field: "amount" });
    expect(await setCost(gA, "2031-01-01", "2031-01-31", "1", "EURO")).toMatchObject({ __typename: "ValidationError", field: "currency" });
    expect(await rowCounts(bo.app, "bm-a")).toEqual(before);
    expect(ok(await setCost(gA, "2031-01-01", "2031-01-31", "0", "EUR")).amount).toBe("0.00");
  });

  it("lets OWNER and ADMIN set costs, back-office readers read the metrics, and nobody else", async () => {
    const app = bo.app;
    const admin = bo.asOperatorInA(await app.operator("admin@bm.test", { "bm-a": "ADMIN" }));
    const backOffice = bo.asOperatorInA(await app.operator("bo@bm.test", { "bm-a": "BACK_OFFICE" }));
    const auditor = bo.asOperatorInA(await app.operator("aud@bm.test", { "bm-a": "AUDITOR" }));
    const agent = bo.asOperatorInA(await app.operator("agent@bm.test", { "bm-a": "AGENT" }));
    expect(ok(await setCost(admin, "2032-01-01", "2032-01-31", "10.00", "EUR")).amount).toBe("10.00");
    const set = `mutation { setBackOfficeCost(input: {periodStart: "2033-01-01", periodEnd: "2033-01-31", amount: "1", currency: "EUR"}) { __typename } }`;
    for (const g of [backOffice, auditor, agent]) expect((await g(set)).data.setBackOfficeCost.__typename).toBe("ForbiddenError");
    for (const g of [backOffice, auditor]) expect((await metrics(g, at(-1), at(1))).settlementsProcessed).toBe(4);
    const denied = await agent(`{ backOfficeMetrics(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { settlementsProcessed } }`);
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("needs admin and back:read to set a cost: an admin-only key is refused before anything is written", async () => {
    const app = bo.app;
    const key = async (scopes: ("ADMIN" | "BACK_READ" | "BACK_WRITE")[]): Promise<Gql> => {
      const secret = await app.apiKey("bm-a", scopes);
      return (q, v) => app.gql(q, v, app.as(secret));
    };
    const costs = async () => (await query(gA, `{ backOfficeCosts(first: 100) { totalCount } }`)).backOfficeCosts.totalCount;
    const set = (periodStart: string) =>
      `mutation { setBackOfficeCost(input: {periodStart: "${periodStart}", periodEnd: "${periodStart.slice(0, 8)}28", amount: "12.50", currency: "EUR"}) {
        __typename ... on SetBackOfficeCostSuccess { data { id periodStart amount currency } } } }`;

    const refusedKeys = { admin: await key(["ADMIN"]), backRead: await key(["BACK_READ"]), backWrite: await key(["BACK_WRITE"]) };
    const allowedKeys = { adminBackRead: await key(["ADMIN", "BACK_READ"]), adminBackWrite: await key(["ADMIN", "BACK_WRITE"]) };
    const before = await rowCounts(app, "bm-a");
    const countBefore = await costs();
    for (const [name, g] of Object.entries(refusedKeys)) {
      const refused = await g(set("2034-01-01"));
      expect(refused.errors, name).toBeUndefined();
      expect(refused.data.setBackOfficeCost.__typename, name).toBe("ForbiddenError");
    }
    // Nothing written: no cost row, no audit event, and the period is still free.
    expect(await rowCounts(app, "bm-a")).toEqual(before);
    expect(await costs()).toBe(countBefore);

    for (const [g, day1] of [[allowedKeys.adminBackRead, "2034-01-01"], [allowedKeys.adminBackWrite, "2034-02-01"]] as const) {
      const allowed = await g(set(day1));
      expect(allowed.errors, day1).toBeUndefined();
      expect(allowed.data.setBackOfficeCost).toMatchObject({ __typename: "SetBackOfficeCostSuccess", data: { periodStart: day1, amount: "12.50", currency: "EUR" } });
    }
    expect(await costs()).toBe(countBefore + 2);
    const audit = await query(gA, `{ auditEvents(first: 100, filter: {action: "back_office_cost.set"}) { totalCount edges { node { actorType } } } }`);
    expect(audit.auditEvents.edges.filter((e: any) => e.node.actorType === "API_KEY").length).toBeGreaterThanOrEqual(2);
  });

  it("keeps each tenant's figures and costs to itself", async () => {
    const empty = await metrics(gB, at(-30), at(30));
    expect(empty).toEqual({
      settlements: [],
      compliance: { open: 0, overdue: 0, passed: 0, failed: 0, waived: 0 },
      recordsDueForRetentionReview: 0,
      settlementsProcessed: 0,
      checksProcessed: 0,
      costPeriods: [],
      costPerTransaction: null,
    });
    // B may use the same days as A: periods only exclude each other within a tenant.
    ok(await setCost(gB, day(-10), day(10), "5.00", "EUR"));
    expect((await metrics(gB, at(-1), at(1))).costPerTransaction).toEqual({ currency: "EUR", totalCost: "5.00", transactions: 0, amount: null });
    expect((await metrics(gA, at(-1), at(1))).costPerTransaction).toEqual({ currency: "EUR", totalCost: "700.00", transactions: 7, amount: "100.00" });
    const costA = (await query(gA, `{ backOfficeCosts(first: 1) { edges { node { id } } } }`)).backOfficeCosts.edges[0].node.id;
    expect((await query(gB, `query($id: ID!) { node(id: $id) { id } }`, { id: costA })).node).toBeNull();
    expect((await query(gB, `{ backOfficeCosts { totalCount } }`)).backOfficeCosts.totalCount).toBe(1);
  });
});
