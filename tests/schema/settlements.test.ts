// Settlements through the API: exact amounts, the idempotency contract (including
// concurrent requests), the status machine, lists, totals and tenant isolation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE } from "../support/app.js";
import { backOffice, expectAllNotFound, mutate, ok, query, rowCounts, rowId, rowOf, type BackOffice, type Gql } from "./back-office-support.js";

const SETTLEMENT = "id reference counterparty amount amountMinor currency direction status valueDate idempotencyKey statusReason settledAt contact { id } ticket { id }";

describe(`settlements (${ENGINE})`, () => {
  let bo: BackOffice;
  let gA: Gql;
  let gB: Gql;
  let keys = 0;

  const create = (g: Gql, input: Record<string, unknown>) =>
    mutate(g, "createSettlement", { reference: "INV-1", counterparty: "Acme Bank", direction: "PAYABLE", valueDate: "2026-12-01", ...input }, `replayed settlement { ${SETTLEMENT} }`);
  const newSettlement = async (amount: string, currency: string, extra: Record<string, unknown> = {}) =>
    ok(await create(gA, { idempotencyKey: `key-${++keys}`, amount, currency, ...extra })).settlement;
  const move = (g: Gql, id: string, status: string, reason?: string) => mutate(g, "transitionSettlement", { id, status, reason }, SETTLEMENT);
  const totals = async (g: Gql, filter: string) =>
    (await query(g, `{ settlementTotals(filter: {${filter}}) { currency status count amount amountMinor } }`)).settlementTotals;

  beforeAll(async () => {
    bo = await backOffice("st");
    ({ gA, gB } = bo);
  });
  afterAll(() => bo?.app.close());

  it("creates a settlement linked to a contact and a ticket, and audits it", async () => {
    const s = await newSettlement("1234.50", "eur", { contactId: bo.contactA, ticketId: bo.ticketA, direction: "RECEIVABLE", valueDate: "2026-11-30" });
    expect(s).toMatchObject({
      amount: "1234.50",
      amountMinor: "123450",
      currency: "EUR",
      direction: "RECEIVABLE",
      status: "PENDING",
      valueDate: "2026-11-30",
      contact: { id: bo.contactA },
      ticket: { id: bo.ticketA },
      settledAt: null,
    });
    const events = await query(gA, `query($e: String!) { auditEvents(filter: {entityId: $e}) { edges { node { action actorType after } } } }`, { e: s.id });
    expect(events.auditEvents.edges.map((e: any) => e.node)).toEqual([
      { action: "settlement.created", actorType: "API_KEY", after: expect.objectContaining({ amountMinor: "123450", currency: "EUR", status: "PENDING" }) },
    ]);
  });

  it("keeps amounts exact through every round trip", async () => {
    const cases: [amount: string, currency: string, amount: string, minor: string][] = [
      ["0.10", "CHF", "0.10", "10"],
      ["0.20", "CHF", "0.20", "20"],
      ["1500", "JPY", "1500", "1500"],
      ["1500.000", "JPY", "1500", "1500"],
      ["12.345", "KWD", "12.345", "12345"],
      ["0.001", "BHD", "0.001", "1"],
      ["7.5", "TND", "7.500", "7500"],
      ["1.2345", "CLF", "1.2345", "12345"],
      ["90071992547409.93", "EUR", "90071992547409.93", "9007199254740993"],
      ["92233720368547758.07", "USD", "92233720368547758.07", "9223372036854775807"],
      ["9007199254740993", "KRW", "9007199254740993", "9007199254740993"],
    ];
    for (const [input, currency, amount, minor] of cases) {
      const s = await newSettlement(input, currency);
      expect([input, s.amount, s.amountMinor, s.currency]).toEqual([input, amount, minor, currency]);
      const read = await query(gA, `query($id: ID!) { node(id: $id) { ... on Settlement { amount amountMinor } } }`, { id: s.id });
      expect(read.node).toEqual({ amount, amountMinor: minor });
    }
    // 0.10 + 0.20 is 0.30, not 0.30000000000000004.
    expect(await totals(gA, `currency: "CHF"`)).toEqual([{ currency: "CHF", status: "PENDING", count: 2, amount: "0.30", amountMinor: "30" }]);
    // Two amounts above 2^53 minor units add up exactly.
    await newSettlement("90071992547409.93", "GBP");
    await newSettlement("90071992547409.94", "GBP");
    expect(await totals(gA, `currency: "GBP"`)).toEqual([{ currency: "GBP", status: "PENDING", count: 2, amount: "180143985094819.87", amountMinor: "18014398509481987" }]);
  });

  it("refuses amounts and currencies that are not exact money, writing nothing", async () => {
    const before = await rowCounts(bo.app, "st-a");
    const refuse = async (amount: string, currency: string, field: string, message?: RegExp) => {
      const res = await create(gA, { idempotencyKey: `bad-${amount}-${currency}`, amount, currency });
      expect([amount, currency, res.__typename, res.field]).toEqual([amount, currency, "ValidationError", field]);
      if (message) expect(res.message).toMatch(message);
    };
    await refuse("10.5", "JPY", "amount", /JPY has no minor unit/);
    await refuse("1.2345", "KWD", "amount", /KWD has 3 decimal digits/);
    await refuse("0.001", "EUR", "amount", /EUR has 2 decimal digits/);
    for (const garbage of ["", "abc", "1e3", "-5.00", "+5", "1,000.00", "1 000", "0x10", "1.", ".5", "NaN", "Infinity", "١٢٣"]) await refuse(garbage, "EUR", "amount");
    await refuse("0.00", "EUR", "amount", /greater than zero/);
    await refuse("92233720368547758.08", "USD", "amount", /too large/);
    await refuse("10.00", "EURO", "currency", /not an active ISO 4217/);
    await refuse("10.00", "XAU", "currency");
    await refuse("10.00", "ABC", "currency");
    const badDate = await create(gA, { idempotencyKey: "bad-date", amount: "1.00", currency: "EUR", valueDate: "2026-02-30" });
    expect(badDate).toMatchObject({ __typename: "ValidationError", field: "valueDate" });
    expect(await rowCounts(bo.app, "st-a")).toEqual(before);
  });

  it("honours the idempotency contract: same key and body → same row; another body → conflict", async () => {
    const input = { idempotencyKey: "pay-001", amount: "100.10", currency: "EUR" };
    const first = ok(await create(gA, input));
    expect(first.replayed).toBe(false);
    const counts = await rowCounts(bo.app, "st-a");
    const again = ok(await create(gA, input));
    expect(again).toEqual({ ...first, replayed: true });
    // The same request written differently is the same request.
    expect(ok(await create(gA, { ...input, amount: "100.1", currency: "eur" })).settlement.id).toBe(first.settlement.id);
    expect(await rowCounts(bo.app, "st-a")).toEqual(counts);

    for (const change of [{ amount: "100.11" }, { currency: "USD" }, { direction: "RECEIVABLE" }, { valueDate: "2026-12-02" }, { contactId: bo.contactA }, { reference: "INV-2" }]) {
      const conflict = await create(gA, { ...input, ...change });
      expect([change, conflict.__typename]).toEqual([change, "ConflictError"]);
      expect(conflict.message).toMatch(/pay-001.*already used for a different settlement/);
    }
    expect(await rowCounts(bo.app, "st-a")).toEqual(counts);
    // A replay after the settlement moved on still names the same settlement.
    ok(await move(gA, first.settlement.id, "CLEARED"));
    expect(ok(await create(gA, input))).toMatchObject({ replayed: true, settlement: { id: first.settlement.id, status: "CLEARED" } });
    // Keys are per tenant.
    expect(ok(await create(gB, input)).replayed).toBe(false);
  });

  it("creates one row for concurrent identical requests, and lets one of several different requests win a key", async () => {
    const countsBefore = await rowCounts(bo.app, "st-a");
    const same = await Promise.all(Array.from({ length: 8 }, () => create(gA, { idempotencyKey: "race-same", amount: "5.00", currency: "USD", reference: "R-S" })));
    const results = same.map(ok);
    expect(new Set(results.map((r) => r.settlement.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    const different = await Promise.all(
      ["1.00", "2.00", "3.00", "4.00"].map((amount) => create(gA, { idempotencyKey: "race-diff", amount, currency: "USD", reference: "R-D" })),
    );
    expect(different.map((p) => p.__typename).sort()).toEqual(["ConflictError", "ConflictError", "ConflictError", "CreateSettlementSuccess"]);
    const counts = await rowCounts(bo.app, "st-a");
    expect(counts.settlements).toBe(countsBefore.settlements + 2);
    expect(counts.audit).toBe(countsBefore.audit + 2);
    const rows = await query(gA, `{ settlements(filter: {reference: "R-S"}) { totalCount } }`);
    expect(rows.settlements.totalCount).toBe(1);
  });

  it("moves PENDING → CLEARED → REVERSED (with a reason) and PENDING → FAILED, refusing other moves with nothing written", async () => {
    const s = await newSettlement("42.00", "SEK");
    const refuse = async (status: string, field: string, reason?: string) => {
      const counts = await rowCounts(bo.app, "st-a");
      const row = await rowOf(bo.app, "st-a", "settlement", rowId(s.id));
      expect(await move(gA, s.id, status, reason)).toMatchObject({ __typename: "ValidationError", field });
      expect(await rowCounts(bo.app, "st-a")).toEqual(counts);
      expect(await rowOf(bo.app, "st-a", "settlement", rowId(s.id))).toEqual(row);
    };
    await refuse("REVERSED", "status", "Paid twice");
    await refuse("PENDING", "status");
    const cleared = ok(await move(gA, s.id, "CLEARED"));
    expect(cleared.status).toBe("CLEARED");
    expect(Date.parse(cleared.settledAt)).toBeGreaterThan(Date.now() - 60_000);
    await refuse("FAILED", "status");
    await refuse("REVERSED", "reason");
    expect(ok(await move(gA, s.id, "REVERSED", "Paid twice; chargeback CB-7"))).toMatchObject({ status: "REVERSED", statusReason: "Paid twice; chargeback CB-7", amount: "42.00" });
    await refuse("CLEARED", "status");
    const failed = await newSettlement("1.00", "SEK");
    expect(ok(await move(gA, failed.id, "FAILED", "Account closed"))).toMatchObject({ status: "FAILED", statusReason: "Account closed" });
    expect((await move(gA, failed.id, "CLEARED")).message).toBe("A FAILED settlement is final and cannot become CLEARED.");
    const events = await query(gA, `query($e: String!) { auditEvents(filter: {entityId: $e}, orderBy: {field: CREATED_AT, direction: ASC}) { edges { node { action before after } } } }`, { e: s.id });
    expect(events.auditEvents.edges.map((e: any) => [e.node.action, e.node.before?.status ?? null, e.node.after.status])).toEqual([
      ["settlement.created", null, "PENDING"],
      ["settlement.cleared", "PENDING", "CLEARED"],
      ["settlement.reversed", "CLEARED", "REVERSED"],
    ]);
  });

  it("lets only one of two concurrent transitions win", async () => {
    const s = await newSettlement("9.99", "NOK");
    const both = await Promise.all([move(gA, s.id, "CLEARED"), move(gA, s.id, "FAILED")]);
    expect(both.map((p) => p.__typename).sort()).toEqual(["TransitionSettlementSuccess", "ValidationError"]);
    const winner = both.find((p) => p.data)!.data.status;
    const now = await query(gA, `query($id: ID!) { node(id: $id) { ... on Settlement { status } } }`, { id: s.id });
    expect(now.node.status).toBe(winner);
    const events = await query(gA, `query($e: String!) { auditEvents(filter: {entityId: $e, action: "settlement."}) { totalCount } }`, { e: s.id });
    expect(events.auditEvents.totalCount).toBe(2);
  });

  it("lists with filters and order, and totals per currency and status", async () => {
    const mk = (amount: string, extra: Record<string, unknown>) => newSettlement(amount, "DKK", { counterparty: "Nordic Supplies ApS", ...extra });
    const a = await mk("100.00", { valueDate: "2027-01-10", direction: "RECEIVABLE" });
    const b = await mk("200.00", { valueDate: "2027-01-20", contactId: bo.contactA });
    const c = await mk("300.00", { valueDate: "2027-02-01", counterparty: "Other Corp" });
    ok(await move(gA, b.id, "CLEARED"));
    const list = async (filter: string, extra = "") =>
      (await query(gA, `{ settlements(filter: {currency: "DKK", ${filter}} ${extra}) { totalCount edges { node { id } } } }`)).settlements;
    const idsOf = (l: any) => l.edges.map((e: any) => e.node.id);
    expect(idsOf(await list(""))).toEqual([c.id, b.id, a.id]);
    expect(idsOf(await list("", ", orderBy: {field: VALUE_DATE, direction: ASC}"))).toEqual([a.id, b.id, c.id]);
    expect(idsOf(await list(`counterparty: "nordic"`))).toEqual([b.id, a.id]);
    expect(idsOf(await list(`valueDateFrom: "2027-01-10", valueDateTo: "2027-01-20"`))).toEqual([b.id, a.id]);
    expect(idsOf(await list(`status: [CLEARED]`))).toEqual([b.id]);
    expect(idsOf(await list(`direction: RECEIVABLE`))).toEqual([a.id]);
    const byContact = await query(gA, `query($c: ID!) { settlements(filter: {currency: "DKK", contactId: $c}) { totalCount } }`, { c: bo.contactA });
    expect(byContact.settlements.totalCount).toBe(1);
    const page = await query(gA, `{ settlements(first: 2, filter: {currency: "dkk"}) { totalCount pageInfo { hasNextPage } edges { node { id } } } }`);
    expect(page.settlements).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    expect(await totals(gA, `currency: "DKK"`)).toEqual([
      { currency: "DKK", status: "PENDING", count: 2, amount: "400.00", amountMinor: "40000" },
      { currency: "DKK", status: "CLEARED", count: 1, amount: "200.00", amountMinor: "20000" },
    ]);
    const all = await totals(gA, "");
    expect(new Set(all.map((t: any) => t.currency))).toEqual(new Set(["EUR", "CHF", "JPY", "KWD", "BHD", "TND", "CLF", "USD", "KRW", "GBP", "SEK", "NOK", "DKK"]));

    const badCurrency = await gA(`{ settlements(filter: {currency: "DOLLARS"}) { totalCount } }`);
    expect(badCurrency.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.currency" });
    const badDate = await gA(`{ settlementTotals(filter: {valueDateFrom: "2027-13-01"}) { count } }`);
    expect(badDate.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.valueDateFrom" });
    expect((await gA(`{ settlements(last: 101) { totalCount } }`)).errors?.[0]?.message).toMatch(/between 0 and 100/);
  });

  it("shows back-office readers which contact and ticket are linked; their data needs front:read, as documented", async () => {
    const linked = await newSettlement("5.00", "EUR", { contactId: bo.contactA, ticketId: bo.ticketA });
    const unlinked = await newSettlement("6.00", "EUR");
    const app = bo.app;
    const backOfficeRole = bo.asOperatorInA(await app.operator("links@st.test", { "st-a": "BACK_OFFICE" }));
    const readKey = await app.apiKey("st-a", ["BACK_READ"]);
    const backReadOnly: Gql = (q, v) => app.gql(q, v, app.as(readKey));
    const read = `query($id: ID!) { node(id: $id) { ... on Settlement { reference contactId ticketId contact { id name } ticket { id subject } } } }`;

    // The BACK_OFFICE role reads the front office too: the contact's name and the ticket are there.
    const asRole = await backOfficeRole(read, { id: linked.id });
    expect(asRole.errors).toBeUndefined();
    expect(asRole.data.node).toMatchObject({
      contactId: bo.contactA,
      ticketId: bo.ticketA,
      contact: { id: bo.contactA, name: "Client A" },
      ticket: { id: bo.ticketA, subject: "Invoice question" },
    });

    // A back:read-only key: the ids of the links, the linked front-office rows null with a FORBIDDEN error each.
    const asKey = await backReadOnly(read, { id: linked.id });
    expect(asKey.data.node).toEqual({ reference: "INV-1", contactId: bo.contactA, ticketId: bo.ticketA, contact: null, ticket: null });
    expect(asKey.errors?.map((e) => [e.path?.[1], e.extensions?.code]).sort()).toEqual([
      ["contact", "FORBIDDEN"],
      ["ticket", "FORBIDDEN"],
    ]);
    // No link: nulls and no error, so "none" and "not allowed" are told apart.
    const none = await backReadOnly(read, { id: unlinked.id });
    expect(none.errors).toBeUndefined();
    expect(none.data.node).toMatchObject({ contactId: null, ticketId: null, contact: null, ticket: null });

    const fields = (await query(gA, `{ __type(name: "Settlement") { fields { name description } } }`)).__type.fields;
    const described = (name: string) => fields.find((f: any) => f.name === name).description;
    for (const name of ["contact", "ticket"]) expect(described(name)).toMatch(/needs the front:read scope too\. Without it this field is null, with a FORBIDDEN error/);
    expect(described("contactId")).toMatch(/back:read is enough/);
  });

  it("lets BACK_OFFICE write and the AUDITOR read only", async () => {
    const app = bo.app;
    const backOffice = bo.asOperatorInA(await app.operator("bo@st.test", { "st-a": "BACK_OFFICE" }));
    const auditor = bo.asOperatorInA(await app.operator("aud@st.test", { "st-a": "AUDITOR" }));
    const agent = bo.asOperatorInA(await app.operator("agent@st.test", { "st-a": "AGENT" }));
    ok(await create(backOffice, { idempotencyKey: "by-operator", amount: "1.00", currency: "EUR" }));
    const write = `mutation { createSettlement(input: {idempotencyKey: "x", reference: "x", counterparty: "x", amount: "1", currency: "EUR", direction: PAYABLE, valueDate: "2026-12-01"}) { __typename } }`;
    for (const g of [auditor, agent]) expect((await g(write)).data.createSettlement.__typename).toBe("ForbiddenError");
    expect((await query(auditor, `{ settlementTotals { count } }`)).settlementTotals.length).toBeGreaterThan(0);
    expect((await agent(`{ settlementTotals { count } }`)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("treats another tenant's settlements, contacts and tickets as not found, on every query and mutation", async () => {
    const sA = await newSettlement("77.00", "PLN", { contactId: bo.contactA, ticketId: bo.ticketA });
    const [countsA, countsB] = [await rowCounts(bo.app, "st-a"), await rowCounts(bo.app, "st-b")];
    const rowA = await rowOf(bo.app, "st-a", "settlement", rowId(sA.id));
    expectAllNotFound({
      createWithForeignContact: await create(gB, { idempotencyKey: "x-1", amount: "1.00", currency: "EUR", contactId: bo.contactA }),
      createWithForeignTicket: await create(gB, { idempotencyKey: "x-2", amount: "1.00", currency: "EUR", ticketId: bo.ticketA }),
      clear: await move(gB, sA.id, "CLEARED"),
      fail: await move(gB, sA.id, "FAILED", "x"),
    });
    expect(await rowCounts(bo.app, "st-a")).toEqual(countsA);
    expect(await rowCounts(bo.app, "st-b")).toEqual(countsB);
    expect(await rowOf(bo.app, "st-a", "settlement", rowId(sA.id))).toEqual(rowA);
    expect((await query(gB, `query($id: ID!) { node(id: $id) { id } }`, { id: sA.id })).node).toBeNull();
    for (const filter of [`contactId: "${bo.contactA}"`, `ticketId: "${bo.ticketA}"`, `currency: "PLN"`, `reference: "INV-1", currency: "PLN"`]) {
      expect([filter, (await query(gB, `{ settlements(filter: {${filter}}) { totalCount edges { node { id } } } }`)).settlements]).toEqual([filter, { totalCount: 0, edges: [] }]);
    }
    expect(await totals(gB, `currency: "PLN"`)).toEqual([]);
    // B sees only the settlement it created in the idempotency test.
    expect(await totals(gB, "")).toEqual([{ currency: "EUR", status: "PENDING", count: 1, amount: "100.10", amountMinor: "10010" }]);
  });
});
