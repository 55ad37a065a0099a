// The back-office API through yoga.fetch: records, compliance, settlements, audit log, metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";

describe(`back office (${ENGINE})`, () => {
  let app: TestApp;
  let keyA: string;
  let keyB: string;
  let contactA: string;
  let contactB: string;
  let backOffice: string;
  let auditor: string;
  let agent: string;

  const gA = (q: string, v?: Record<string, unknown>) => app.gql(q, v, app.as(keyA));
  const gB = (q: string, v?: Record<string, unknown>) => app.gql(q, v, app.as(keyB));
  const data = (res: any) => {
    const payload = Object.values(res.data ?? {})[0] as any;
    if (!payload?.data) throw new Error(JSON.stringify(res));
    return payload.data;
  };
  const typename = (res: any) => (Object.values(res.data ?? {})[0] as any)?.__typename;

  const auditCount = async () => {
    const t = await app.services.directory.getTenant("bo-a");
    return app.services.scopes.forTenant(t.id).db.auditEvent.count();
  };

  const record = (g: typeof gA, reference: string, extra: Record<string, unknown> = {}) =>
    g(`mutation($i: CreateRecordInput!) { createRecord(input: $i) { __typename ... on CreateRecordSuccess { data { id version } } ... on Error { message } } }`, {
      i: { type: "contract", reference, title: `Contract ${reference}`, data: { value: 1 }, ...extra },
    });

  const settle = (g: typeof gA, input: Record<string, unknown>) =>
    g(
      `mutation($i: CreateSettlementInput!) { createSettlement(input: $i) { __typename
        ... on CreateSettlementSuccess { data { replayed settlement { id amount amountMinor currency status } } } ... on Error { message } ... on ValidationError { field } } }`,
      { i: { reference: "R-1", counterparty: "Acme Bank", direction: "PAYABLE", valueDate: "2026-12-01", ...input } },
    );

  beforeAll(async () => {
    app = await createTestApp();
    keyA = await app.apiKey("bo-a", ["BACK_READ", "BACK_WRITE", "FRONT_WRITE", "ADMIN"]);
    keyB = await app.apiKey("bo-b", ["BACK_READ", "BACK_WRITE", "FRONT_WRITE"]);
    backOffice = await app.operator("bo@bo.test", { "bo-a": "BACK_OFFICE" });
    auditor = await app.operator("aud@bo.test", { "bo-a": "AUDITOR" });
    agent = await app.operator("agent@bo.test", { "bo-a": "AGENT" });
    contactA = data(await gA(`mutation { createContact(input: {name: "Client A"}) { __typename ... on CreateContactSuccess { data { id } } } }`)).id;
    contactB = data(await gB(`mutation { createContact(input: {name: "Client B"}) { __typename ... on CreateContactSuccess { data { id } } } }`)).id;
  });
  afterAll(() => app?.close());

  it("keeps every earlier version of a record", async () => {
    const { id } = data(await record(gA, "CTR-1", { contactId: contactA }));
    for (const v of [2, 3, 4]) {
      const res = await gA(`mutation($i: UpdateRecordInput!) { updateRecord(input: $i) { __typename ... on UpdateRecordSuccess { data { version } } } }`, {
        i: { id, title: `Contract v${v}`, data: { value: v } },
      });
      expect(data(res).version).toBe(v);
    }
    const history = await gA(`query($id: ID!) { node(id: $id) { ... on BusinessRecord { title data versions { totalCount edges { node { version title data } } } } } }`, { id });
    expect(history.data.node.title).toBe("Contract v4");
    expect(history.data.node.data).toEqual({ value: 4 });
    expect(history.data.node.versions.edges.map((e: any) => [e.node.version, e.node.title, e.node.data.value])).toEqual([
      [3, "Contract v3", 3],
      [2, "Contract v2", 2],
      [1, "Contract CTR-1", 1],
    ]);
    expect(typename(await record(gA, "CTR-1"))).toBe("ConflictError");
    expect(typename(await record(gA, "CTR-1", { type: "invoice" }))).toBe("CreateRecordSuccess");
  });

  it("refuses to archive a record on legal hold, and archives it once released", async () => {
    const { id } = data(await record(gA, "HOLD-1"));
    const hold = (h: boolean, reason?: string) =>
      gA(`mutation($i: SetLegalHoldInput!) { setLegalHold(input: $i) { __typename ... on SetLegalHoldSuccess { data { legalHold } } ... on ValidationError { field } } }`, {
        i: { id, hold: h, reason },
      });
    expect((await hold(true)).data.setLegalHold).toEqual({ __typename: "ValidationError", field: "reason" });
    expect(data(await hold(true, "Litigation 2026-17")).legalHold).toBe(true);
    const audits = await auditCount();
    const archive = () =>
      gA(`mutation($i: ArchiveRecordInput!) { archiveRecord(input: $i) { __typename ... on ArchiveRecordSuccess { data { archivedAt } } ... on Error { message } } }`, { i: { id } });
    const refused = await archive();
    expect(refused.data.archiveRecord.__typename).toBe("ValidationError");
    expect(refused.data.archiveRecord.message).toMatch(/legal hold \(Litigation 2026-17\)/);
    expect(await auditCount()).toBe(audits);
    await hold(false);
    expect(data(await archive()).archivedAt).toBeTruthy();
    const retention = await gA(`mutation($i: SetRecordRetentionInput!) { setRecordRetention(input: $i) { __typename } }`, { i: { id, retentionUntil: "2020-01-01T00:00:00Z" } });
    expect(retention.data.setRecordRetention.__typename).toBe("SetRecordRetentionSuccess");
    const archived = await gA(`{ records(filter: {archived: true}) { totalCount } }`);
    expect(archived.data.records.totalCount).toBe(1);
  });

  it("moves compliance checks along their transitions only; waiving needs a reason; reviewers need a back-office role", async () => {
    const { id } = data(
      await gA(`mutation($i: OpenComplianceCheckInput!) { openComplianceCheck(input: $i) { __typename ... on OpenComplianceCheckSuccess { data { id status overdue } } ... on Error { message } } }`, {
        i: { kind: "KYC", subjectId: contactA, dueAt: "2020-01-01T00:00:00Z" },
      }),
    );
    const move = (status: string, reason?: string) =>
      gA(`mutation($i: TransitionComplianceCheckInput!) { transitionComplianceCheck(input: $i) { __typename ... on TransitionComplianceCheckSuccess { data { status decidedAt decisionReason } } ... on ValidationError { field message } } }`, {
        i: { id, status, reason },
      });
    const audits = await auditCount();
    expect((await move("PASSED")).data.transitionComplianceCheck).toMatchObject({ __typename: "ValidationError", field: "status" });
    expect(await auditCount()).toBe(audits);
    expect(data(await move("IN_REVIEW")).status).toBe("IN_REVIEW");
    expect((await move("WAIVED")).data.transitionComplianceCheck).toMatchObject({ __typename: "ValidationError", field: "reason" });

    const evidence = await gA(`mutation($i: AddComplianceEvidenceInput!) { addComplianceEvidence(input: $i) { __typename ... on AddComplianceEvidenceSuccess { data { evidence } } } }`, {
      i: { checkId: id, note: "Passport checked", url: "https://docs.example/p.pdf" },
    });
    expect(data(evidence).evidence[0]).toMatchObject({ note: "Passport checked", url: "https://docs.example/p.pdf" });

    const assign = (reviewerId: string) =>
      gA(`mutation($i: AssignComplianceReviewerInput!) { assignComplianceReviewer(input: $i) { __typename ... on AssignComplianceReviewerSuccess { data { reviewer { email } } } ... on ValidationError { field } } }`, {
        i: { checkId: id, reviewerId },
      });
    const boId = (await app.services.directory.getOperatorByEmail("bo@bo.test")).id;
    const agentId = (await app.services.directory.getOperatorByEmail("agent@bo.test")).id;
    expect(data(await assign(boId)).reviewer.email).toBe("bo@bo.test");
    expect((await assign(agentId)).data.assignComplianceReviewer).toEqual({ __typename: "ValidationError", field: "reviewerId" });

    const overdue = await gA(`{ complianceChecks(filter: {overdue: true}) { totalCount edges { node { id overdue } } } }`);
    expect(overdue.data.complianceChecks.edges.map((e: any) => e.node.id)).toContain(id);
    const decided = data(await move("WAIVED", "Low-risk customer, approved by compliance lead"));
    expect(decided).toMatchObject({ status: "WAIVED", decisionReason: "Low-risk customer, approved by compliance lead" });
    expect((await move("PASSED")).data.transitionComplianceCheck.message).toMatch(/it is decided/);
  });

  it("honours the idempotency contract, including concurrent identical requests", async () => {
    const input = { idempotencyKey: "pay-001", amount: "100.10", currency: "EUR" };
    const first = data(await settle(gA, input));
    expect(first).toMatchObject({ replayed: false, settlement: { amount: "100.10", amountMinor: "10010", currency: "EUR", status: "PENDING" } });
    const again = data(await settle(gA, input));
    expect(again).toMatchObject({ replayed: true, settlement: { id: first.settlement.id } });
    const conflict = await settle(gA, { ...input, amount: "100.11" });
    expect(typename(conflict)).toBe("ConflictError");
    // The same key in another tenant is another settlement.
    expect(data(await settle(gB, input)).replayed).toBe(false);

    const race = await Promise.all(Array.from({ length: 6 }, () => settle(gA, { idempotencyKey: "pay-race", amount: "5.00", currency: "USD" })));
    const ids = new Set(race.map((r) => data(r).settlement.id));
    expect(ids.size).toBe(1);
    expect(race.filter((r) => data(r).replayed === false)).toHaveLength(1);
    const rows = await gA(`{ settlements(filter: {currency: "USD"}) { totalCount } }`);
    expect(rows.data.settlements.totalCount).toBe(1);
  });

  it("keeps amounts exact: decimals, JPY, 3-digit currencies, above 2^53", async () => {
    const cases: [string, string, string, string][] = [
      ["k-a", "0.10", "EUR", "10"],
      ["k-b", "0.20", "EUR", "20"],
      ["k-c", "1500", "JPY", "1500"],
      ["k-d", "12.345", "KWD", "12345"],
      ["k-e", "92233720368547758.07", "USD", "9223372036854775807"],
      ["k-f", "90071992547409.93", "EUR", "9007199254740993"],
    ];
    for (const [key, amount, currency, minor] of cases) {
      const s = data(await settle(gA, { idempotencyKey: key, amount, currency })).settlement;
      expect([s.amount, s.amountMinor]).toEqual([amount, minor]);
    }
    const bad = await settle(gA, { idempotencyKey: "k-bad", amount: "10.5", currency: "JPY" });
    expect(bad.data.createSettlement).toMatchObject({ __typename: "ValidationError", field: "amount" });
    const badCurrency = await settle(gA, { idempotencyKey: "k-bad2", amount: "10", currency: "EURO" });
    expect(badCurrency.data.createSettlement).toMatchObject({ __typename: "ValidationError", field: "currency" });
    const totals = await gA(`{ settlementTotals(filter: {currency: "EUR"}) { currency status count amount } }`);
    // 100.10 + 0.10 + 0.20 + 90071992547409.93 (+ 0 for others), summed exactly in minor units.
    expect(totals.data.settlementTotals).toEqual([{ currency: "EUR", status: "PENDING", count: 4, amount: "90071992547510.33" }]);
  });

  it("moves settlements along their transitions only; concurrent transitions cannot both win", async () => {
    const { settlement } = data(await settle(gA, { idempotencyKey: "tr-1", amount: "42.00", currency: "GBP" }));
    const move = (status: string, reason?: string) =>
      gA(`mutation($i: TransitionSettlementInput!) { transitionSettlement(input: $i) { __typename ... on TransitionSettlementSuccess { data { status statusReason } } ... on Error { message } ... on ValidationError { field } } }`, {
        i: { id: settlement.id, status, reason },
      });
    expect(typename(await move("REVERSED", "x"))).toBe("ValidationError");
    const both = await Promise.all([move("CLEARED"), move("FAILED")]);
    const winners = both.filter((r) => typename(r) === "TransitionSettlementSuccess");
    expect(winners).toHaveLength(1);
    if (data(winners[0]).status === "CLEARED") {
      expect((await move("REVERSED")).data.transitionSettlement).toMatchObject({ __typename: "ValidationError", field: "reason" });
      expect(data(await move("REVERSED", "Paid twice")).status).toBe("REVERSED");
    }
    const events = await app.gql(`{ auditEvents(filter: {entityId: "${Buffer.from(settlement.id, "base64").toString().split(":")[1]}"}) { totalCount } }`, {}, app.as(auditor, "bo-a"));
    expect(events.data.auditEvents.totalCount).toBeGreaterThanOrEqual(2);
  });

  it("lets OWNER, ADMIN and AUDITOR read the audit log, nobody else; nobody can change it", async () => {
    const read = await app.gql(`{ auditEvents(first: 5, filter: {action: "settlement."}) { totalCount edges { node { action actorType before after } } } }`, {}, app.as(auditor, "bo-a"));
    expect(read.data.auditEvents.totalCount).toBeGreaterThan(0);
    expect(read.data.auditEvents.edges.every((e: any) => e.node.action.startsWith("settlement."))).toBe(true);
    expect((await app.gql(`{ auditEvents { totalCount } }`, {}, app.as(backOffice, "bo-a"))).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await app.gql(`{ auditEvents { totalCount } }`, {}, app.as(agent, "bo-a"))).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const schemaMutations = (await app.gql(`{ __schema { mutationType { fields { name } } } }`)).data.__schema.mutationType.fields.map((f: any) => f.name);
    expect(schemaMutations.filter((n: string) => /audit/i.test(n))).toEqual([]);
  });

  it("lets the AUDITOR read but not write, and the BACK_OFFICE role write", async () => {
    expect((await app.gql(`{ records { totalCount } }`, {}, app.as(auditor, "bo-a"))).data.records.totalCount).toBeGreaterThan(0);
    const denied = await app.gql(`mutation { createRecord(input: {type: "x", reference: "y", title: "z"}) { __typename } }`, {}, app.as(auditor, "bo-a"));
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const allowed = await app.gql(`mutation { createRecord(input: {type: "memo", reference: "M-1", title: "z"}) { __typename } }`, {}, app.as(backOffice, "bo-a"));
    expect(allowed.data.createRecord.__typename).toBe("CreateRecordSuccess");
  });

  it("computes back-office metrics and cost per transaction", async () => {
    const cost = await gA(`mutation { setBackOfficeCost(input: {periodStart: "2026-11-01", periodEnd: "2026-11-30", amount: "1000.00", currency: "EUR"}) { __typename } }`);
    expect(cost.data.setBackOfficeCost.__typename).toBe("SetBackOfficeCostSuccess");
    const m = await gA(`{ backOfficeMetrics(from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z") {
      settlements { currency status count amount } compliance { open overdue waived } recordsDueForRetentionReview transactionsProcessed costPerTransaction { currency amount } } }`);
    expect(m.errors).toBeUndefined();
    const metrics = m.data.backOfficeMetrics;
    expect(metrics.settlements.find((s: any) => s.currency === "JPY")).toMatchObject({ count: 1, amount: "1500" });
    expect(metrics.compliance.waived).toBe(1);
    const tx = metrics.transactionsProcessed;
    expect(tx).toBeGreaterThan(0);
    const expected = (100_000n * 2n + BigInt(tx)) / (2n * BigInt(tx));
    const [whole, cents] = metrics.costPerTransaction.amount.split(".");
    expect(BigInt(whole + cents)).toBe(expected);
  });

  it("treats every other tenant's id as not found, including subjects and links", async () => {
    const rA = data(await record(gA, "CROSS-1")).id;
    const sA = data(await settle(gA, { idempotencyKey: "cross-1", amount: "1.00", currency: "EUR" })).settlement.id;
    const checkA = data(
      await gA(`mutation($i: OpenComplianceCheckInput!) { openComplianceCheck(input: $i) { __typename ... on OpenComplianceCheckSuccess { data { id } } } }`, {
        i: { kind: "AML_SCREENING", subjectId: sA, dueAt: "2027-01-01T00:00:00Z" },
      }),
    ).id;
    const attempts: Record<string, any> = {
      updateRecord: await gB(`mutation($id: ID!) { updateRecord(input: {id: $id, title: "x"}) { __typename } }`, { id: rA }),
      setLegalHold: await gB(`mutation($id: ID!) { setLegalHold(input: {id: $id, hold: true, reason: "x"}) { __typename } }`, { id: rA }),
      archiveRecord: await gB(`mutation($id: ID!) { archiveRecord(input: {id: $id}) { __typename } }`, { id: rA }),
      recordWithForeignContact: await gB(`mutation($c: ID!) { createRecord(input: {type: "x", reference: "r", title: "t", contactId: $c}) { __typename } }`, { c: contactA }),
      checkOnForeignSubject: await gB(`mutation($s: ID!) { openComplianceCheck(input: {kind: KYC, subjectId: $s, dueAt: "2027-01-01T00:00:00Z"}) { __typename } }`, { s: rA }),
      transitionCheck: await gB(`mutation($id: ID!) { transitionComplianceCheck(input: {id: $id, status: IN_REVIEW}) { __typename } }`, { id: checkA }),
      evidence: await gB(`mutation($id: ID!) { addComplianceEvidence(input: {checkId: $id, note: "x"}) { __typename } }`, { id: checkA }),
      transitionSettlement: await gB(`mutation($id: ID!) { transitionSettlement(input: {id: $id, status: CLEARED}) { __typename } }`, { id: sA }),
      settlementWithForeignContact: await settle(gB, { idempotencyKey: "x-1", amount: "1", currency: "EUR", contactId: contactA }),
    };
    for (const [name, res] of Object.entries(attempts)) expect([name, typename(res)]).toEqual([name, "NotFoundError"]);
    for (const id of [rA, sA, checkA]) expect((await gB(`query($id: ID!) { node(id: $id) { id } }`, { id })).data.node).toBeNull();
    const filtered = await gB(`query($s: ID!) { complianceChecks(filter: {subjectId: $s}) { totalCount } }`, { s: sA });
    expect(filtered.data.complianceChecks.totalCount).toBe(0);
    expect(contactB).toBeTruthy();
  });
});
