// Compliance checks through the API: subjects, the status machine, evidence, reviewers,
// lists, races and tenant isolation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE } from "../support/app.js";
import { backOffice, expectAllNotFound, mutate, ok, query, rowCounts, rowId, rowOf, type BackOffice, type Gql } from "./back-office-support.js";

const CHECK = "id kind status overdue dueAt decidedAt decisionReason evidence reviewer { id email } subjectContact { id } subjectRecord { id } subjectSettlement { id }";
const PAST = "2020-01-01T00:00:00Z";
const FUTURE = "2099-01-01T00:00:00Z";

describe(`compliance checks (${ENGINE})`, () => {
  let bo: BackOffice;
  let gA: Gql;
  let gB: Gql;
  let recordA: string;
  let settlementA: string;
  let ids: Record<"backOffice" | "admin" | "agent" | "auditor" | "outsider", string>;

  const open = (g: Gql, subjectId: string, extra: Record<string, unknown> = {}) =>
    mutate(g, "openComplianceCheck", { kind: "KYC", subjectId, dueAt: FUTURE, ...extra }, CHECK);
  const newCheck = async (subjectId = bo.contactA, extra: Record<string, unknown> = {}) => ok(await open(gA, subjectId, extra));
  const move = (g: Gql, id: string, status: string, reason?: string) => mutate(g, "transitionComplianceCheck", { id, status, reason }, CHECK);
  const assign = (g: Gql, checkId: string, reviewerId: string | null) => mutate(g, "assignComplianceReviewer", { checkId, reviewerId }, CHECK);
  const actions = async (id: string) =>
    (await query(gA, `query($e: String!) { auditEvents(filter: {entityId: $e}, orderBy: {field: CREATED_AT, direction: ASC}) { edges { node { action before after } } } }`, { e: id }))
      .auditEvents.edges.map((e: any) => e.node);

  beforeAll(async () => {
    bo = await backOffice("cc");
    ({ gA, gB } = bo);
    recordA = ok(await mutate(gA, "createRecord", { type: "contract", reference: "C-1", title: "Contract" })).id;
    settlementA = ok(
      await mutate(gA, "createSettlement", { idempotencyKey: "s-1", reference: "S-1", counterparty: "Bank", amount: "10.00", currency: "EUR", direction: "PAYABLE", valueDate: "2026-12-01" }, "settlement { id }"),
    ).settlement.id;
    const app = bo.app;
    await app.operator("bo@cc.test", { "cc-a": "BACK_OFFICE" });
    await app.operator("admin@cc.test", { "cc-a": "ADMIN" });
    await app.operator("agent@cc.test", { "cc-a": "AGENT" });
    await app.operator("auditor@cc.test", { "cc-a": "AUDITOR" });
    await app.operator("outsider@cc.test", { "cc-b": "BACK_OFFICE" });
    const id = async (email: string) => (await app.services.directory.getOperatorByEmail(email)).id;
    ids = {
      backOffice: await id("bo@cc.test"),
      admin: await id("admin@cc.test"),
      agent: await id("agent@cc.test"),
      auditor: await id("auditor@cc.test"),
      outsider: await id("outsider@cc.test"),
    };
  });
  afterAll(() => bo?.app.close());

  it("opens a check on a contact, a record or a settlement of the tenant", async () => {
    const onContact = await newCheck(bo.contactA, { notes: "New client" });
    expect(onContact).toMatchObject({ kind: "KYC", status: "PENDING", overdue: false, subjectContact: { id: bo.contactA }, subjectRecord: null, subjectSettlement: null });
    expect((await newCheck(recordA, { kind: "POLICY_ATTESTATION" })).subjectRecord).toEqual({ id: recordA });
    expect((await newCheck(settlementA, { kind: "AML_SCREENING" })).subjectSettlement).toEqual({ id: settlementA });
    expect(await open(gA, bo.ticketA)).toMatchObject({ __typename: "ValidationError", field: "subjectId" });
    expect(await open(gA, "garbage")).toMatchObject({ __typename: "ValidationError", field: "subjectId" });
    expect((await actions(onContact.id))[0]).toMatchObject({ action: "compliance_check.opened", before: null, after: { status: "PENDING", notes: "New client" } });
  });

  it("moves PENDING → IN_REVIEW → PASSED only, refusing other moves with nothing written", async () => {
    const check = await newCheck();
    const refuse = async (status: string, reason?: string) => {
      const counts = await rowCounts(bo.app, "cc-a");
      const row = await rowOf(bo.app, "cc-a", "complianceCheck", rowId(check.id));
      const res = await move(gA, check.id, status, reason);
      expect(await rowCounts(bo.app, "cc-a")).toEqual(counts);
      expect(await rowOf(bo.app, "cc-a", "complianceCheck", rowId(check.id))).toEqual(row);
      return res;
    };
    for (const status of ["PASSED", "FAILED", "PENDING"]) expect(await refuse(status)).toMatchObject({ __typename: "ValidationError", field: "status" });
    const waive = await refuse("WAIVED", "not needed");
    expect(waive.message).toBe("A PENDING check cannot become WAIVED; it can become IN_REVIEW.");
    expect(ok(await move(gA, check.id, "IN_REVIEW"))).toMatchObject({ status: "IN_REVIEW", decidedAt: null });
    const passed = ok(await move(gA, check.id, "PASSED", "Passport and address verified"));
    expect(passed).toMatchObject({ status: "PASSED", decisionReason: "Passport and address verified", overdue: false });
    expect(Date.parse(passed.decidedAt)).toBeGreaterThan(Date.now() - 60_000);
    for (const status of ["FAILED", "WAIVED", "IN_REVIEW", "PENDING"]) {
      const res = await refuse(status, "why");
      expect(res.__typename).toBe("ValidationError");
    }
    expect((await move(gA, check.id, "FAILED")).message).toBe("A PASSED check is final and cannot become FAILED.");
    expect((await actions(check.id)).map((e: any) => [e.action, e.before?.status ?? null, e.after.status])).toEqual([
      ["compliance_check.opened", null, "PENDING"],
      ["compliance_check.status_changed", "PENDING", "IN_REVIEW"],
      ["compliance_check.status_changed", "IN_REVIEW", "PASSED"],
    ]);
  });

  it("waives a check in review only with a reason, and fails one", async () => {
    const check = await newCheck();
    ok(await move(gA, check.id, "IN_REVIEW"));
    const counts = await rowCounts(bo.app, "cc-a");
    expect(await move(gA, check.id, "WAIVED")).toMatchObject({ __typename: "ValidationError", field: "reason" });
    expect(await move(gA, check.id, "WAIVED", "   ")).toMatchObject({ __typename: "ValidationError", field: "reason" });
    expect(await rowCounts(bo.app, "cc-a")).toEqual(counts);
    expect(ok(await move(gA, check.id, "WAIVED", "Existing client, approved by the compliance lead"))).toMatchObject({
      status: "WAIVED",
      decisionReason: "Existing client, approved by the compliance lead",
    });
    const failing = await newCheck();
    ok(await move(gA, failing.id, "IN_REVIEW"));
    expect(ok(await move(gA, failing.id, "FAILED"))).toMatchObject({ status: "FAILED", decisionReason: null });
  });

  it("lets only one of two concurrent decisions win", async () => {
    const check = await newCheck();
    ok(await move(gA, check.id, "IN_REVIEW"));
    const [pass, fail] = await Promise.all([move(gA, check.id, "PASSED"), move(gA, check.id, "FAILED")]);
    const outcomes = [pass, fail].map((p) => p.__typename).sort();
    expect(outcomes).toEqual(["TransitionComplianceCheckSuccess", "ValidationError"]);
    const winner = (pass.data ?? fail.data).status;
    const now = await query(gA, `query($id: ID!) { node(id: $id) { ... on ComplianceCheck { status } } }`, { id: check.id });
    expect(now.node.status).toBe(winner);
    expect((await actions(check.id)).filter((e: any) => e.after.status === "PASSED" || e.after.status === "FAILED")).toHaveLength(1);
  });

  it("collects evidence while undecided, keeping every piece", async () => {
    const check = await newCheck();
    const add = (note: string, url?: string) => mutate(gA, "addComplianceEvidence", { checkId: check.id, note, url }, "evidence");
    expect(ok(await add("Passport checked", "https://dms.example.com/doc/1")).evidence).toHaveLength(1);
    const both = await Promise.all([add("Utility bill"), add("Sanctions list: no match", "http://lists.example.org/r/9")]);
    both.forEach((p) => ok(p));
    const evidence = ok(await add("Call with client")).evidence;
    expect(evidence.map((e: any) => e.note).sort()).toEqual(["Call with client", "Passport checked", "Sanctions list: no match", "Utility bill"]);
    expect(evidence[0]).toMatchObject({ note: "Passport checked", url: "https://dms.example.com/doc/1", addedBy: { type: "API_KEY" } });
    expect(Date.parse(evidence[0].addedAt)).toBeGreaterThan(0);
    expect(await add("x", "javascript:alert(1)")).toMatchObject({ __typename: "ValidationError", field: "url" });
    expect(await add("  ")).toMatchObject({ __typename: "ValidationError", field: "note" });
    ok(await move(gA, check.id, "IN_REVIEW"));
    ok(await move(gA, check.id, "PASSED"));
    const late = await add("Too late");
    expect(late.__typename).toBe("ConflictError");
    expect(late.message).toMatch(/PASSED: a decided check is final/);
  });

  it("assigns reviewers who are back-office members of the tenant", async () => {
    const check = await newCheck();
    expect(ok(await assign(gA, check.id, ids.backOffice)).reviewer).toEqual({ id: ids.backOffice, email: "bo@cc.test" });
    expect(ok(await assign(gA, check.id, ids.admin)).reviewer.email).toBe("admin@cc.test");
    const counts = await rowCounts(bo.app, "cc-a");
    for (const role of ["agent", "auditor"] as const) {
      const res = await assign(gA, check.id, ids[role]);
      expect(res).toMatchObject({ __typename: "ValidationError", field: "reviewerId" });
      expect(res.message).toMatch(/reviewers are OWNER, ADMIN, BACK_OFFICE members/);
    }
    // Someone who serves only another tenant is as unknown here as an id that does not exist.
    expect(await assign(gA, check.id, ids.outsider)).toMatchObject({ __typename: "NotFoundError", entity: "Operator" });
    expect(await assign(gA, check.id, "no-such-operator")).toMatchObject({ __typename: "NotFoundError", entity: "Operator" });
    expect(await rowCounts(bo.app, "cc-a")).toEqual(counts);
    const mine = await query(gA, `query($r: ID!) { complianceChecks(filter: {reviewerId: $r}) { totalCount } }`, { r: ids.admin });
    expect(mine.complianceChecks.totalCount).toBe(1);
    expect(ok(await assign(gA, check.id, null)).reviewer).toBeNull();
    expect((await actions(check.id)).filter((e: any) => e.action === "compliance_check.reviewer_assigned").map((e: any) => e.after.reviewerId)).toEqual([
      ids.backOffice,
      ids.admin,
      null,
    ]);
  });

  it("checks the reviewer's role inside the assignment's transaction, with the membership locked until it commits", async () => {
    const app = bo.app;
    await app.operator("racer@cc.test", { "cc-a": "BACK_OFFICE" });
    const racer = (await app.services.directory.getOperatorByEmail("racer@cc.test")).id;
    const tenantA = await app.services.directory.getTenant("cc-a");
    const tenantB = await app.services.directory.getTenant("cc-b");
    const setRole = (role: string) => gA(`mutation { addMember(input: {email: "racer@cc.test", role: ${role}}) { __typename } }`);
    type Member = { role: string; name: string; disabled: boolean };

    // What an assignment does in its transaction, held open: the app role reads the member through the
    // one database function it may use (only this tenant's members), which share-locks the membership row.
    let locked!: () => void;
    let finish!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const finished = new Promise<void>((r) => (finish = r));
    const assignment = app.services.scopes.forTenant(tenantA.id).tx(async (tx) => {
      const member = await tx.$queryRaw<Member[]>`SELECT "role"::text AS role, name, disabled FROM tandem_lock_membership(${racer})`;
      const outsider = await tx.$queryRaw<Member[]>`SELECT "role"::text AS role, name, disabled FROM tandem_lock_membership(${ids.outsider})`;
      locked();
      await finished;
      return { member, outsider };
    });
    await isLocked;
    let changed = false;
    const roleChange = setRole("AGENT").then((res) => ((changed = true), res));
    await new Promise((r) => setTimeout(r, 400));
    expect(changed).toBe(false); // the role change waits for the assignment to commit
    finish();
    expect(await assignment).toEqual({ member: [{ role: "BACK_OFFICE", name: "racer", disabled: false }], outsider: [] });
    expect((await roleChange).errors).toBeUndefined();
    expect(changed).toBe(true);

    // Once the role changed, the assignment sees it and is refused, writing nothing.
    const check = await newCheck();
    const counts = await rowCounts(app, "cc-a");
    const refused = await assign(gA, check.id, racer);
    expect(refused).toMatchObject({ __typename: "ValidationError", field: "reviewerId" });
    expect(refused.message).toBe("racer is AGENT here; reviewers are OWNER, ADMIN, BACK_OFFICE members.");
    expect(await rowCounts(app, "cc-a")).toEqual(counts);
    // The function answers for exactly one tenant: with several set (the operator queue's scope) it finds nobody.
    const unscoped = await app.services.scopes
      .forTenants([tenantA.id, tenantB.id])
      .tx((tx) => tx.$queryRaw<Member[]>`SELECT "role"::text AS role, name, disabled FROM tandem_lock_membership(${racer})`);
    expect(unscoped).toEqual([]);
  });

  it("takes a reviewer whose role drops, or who is removed, off their undecided checks; decided checks keep them", async () => {
    const app = bo.app;
    const member = async (email: string, role = "BACK_OFFICE") => {
      await app.operator(email, { "cc-a": role as "BACK_OFFICE" });
      return (await app.services.directory.getOperatorByEmail(email)).id;
    };
    const leaver = await member("leaver@cc.test");
    const stayer = await member("stayer@cc.test");
    const removed = await member("removed@cc.test");
    const assigned = async (reviewer: string, moves: [string, string?][] = []) => {
      const check = await newCheck();
      ok(await assign(gA, check.id, reviewer));
      for (const [status, reason] of moves) ok(await move(gA, check.id, status, reason));
      return check.id;
    };
    const pending = await assigned(leaver);
    const inReview = await assigned(leaver, [["IN_REVIEW"]]);
    const passed = await assigned(leaver, [["IN_REVIEW"], ["PASSED"]]);
    const kept = await assigned(stayer);
    const ofRemoved = await assigned(removed, [["IN_REVIEW"]]);
    const reviewerOf = async (id: string) => (await query(gA, `query($id: ID!) { node(id: $id) { ... on ComplianceCheck { reviewer { email } } } }`, { id })).node.reviewer;
    const setRole = (email: string, role: string) => gA(`mutation { addMember(input: {email: "${email}", role: ${role}}) { __typename } }`);

    expect((await setRole("leaver@cc.test", "AUDITOR")).errors).toBeUndefined();
    expect((await setRole("stayer@cc.test", "ADMIN")).errors).toBeUndefined(); // still back office: keeps the check
    expect((await gA(`mutation { removeMember(input: {email: "removed@cc.test"}) { __typename } }`)).errors).toBeUndefined();

    expect(await reviewerOf(pending)).toBeNull();
    expect(await reviewerOf(inReview)).toBeNull();
    expect(await reviewerOf(passed)).toEqual({ email: "leaver@cc.test" }); // history: decided with this reviewer
    expect(await reviewerOf(kept)).toEqual({ email: "stayer@cc.test" });
    expect(await reviewerOf(ofRemoved)).toBeNull();
    const unassigned = await query(gA, `{ complianceChecks(first: 100, filter: {unassigned: true}) { edges { node { id } } } }`);
    expect(unassigned.complianceChecks.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining([pending, inReview, ofRemoved]));
    for (const [id, reviewer] of [[pending, leaver], [inReview, leaver], [ofRemoved, removed]] as const) {
      const released = (await actions(id)).filter((e: any) => e.action === "compliance_check.reviewer_released");
      expect(released).toHaveLength(1);
      expect(released[0]).toMatchObject({ before: { reviewerId: reviewer }, after: { reviewerId: null } });
    }
    expect((await actions(passed)).map((e: any) => e.action)).not.toContain("compliance_check.reviewer_released");
  });

  it("never leaves a check assigned to someone whose role dropped while it was being assigned", async () => {
    const app = bo.app;
    const rounds = 6;
    for (let i = 0; i < rounds; i++) {
      const email = `race${i}@cc.test`;
      await app.operator(email, { "cc-a": "BACK_OFFICE" });
      const reviewer = (await app.services.directory.getOperatorByEmail(email)).id;
      const check = await newCheck();
      const [assignment, roleChange] = await Promise.all([
        assign(gA, check.id, reviewer),
        gA(`mutation { addMember(input: {email: "${email}", role: AGENT}) { __typename } }`),
      ]);
      expect(roleChange.errors).toBeUndefined();
      // Either the assignment came first (and was then released) or it saw the new role and was refused.
      expect(["AssignComplianceReviewerSuccess", "ValidationError"]).toContain(assignment.__typename);
      const now = await query(gA, `query($id: ID!) { node(id: $id) { ... on ComplianceCheck { reviewer { id } } } }`, { id: check.id });
      expect(now.node.reviewer).toBeNull();
      const log = (await actions(check.id)).map((e: any) => e.action);
      expect(log).toEqual(
        assignment.__typename === "ValidationError"
          ? ["compliance_check.opened"]
          : ["compliance_check.opened", "compliance_check.reviewer_assigned", "compliance_check.reviewer_released"],
      );
    }
  });

  it("lists checks by kind, status, subject, reviewer and overdue, soonest due first", async () => {
    const overdue = await newCheck(recordA, { kind: "REGULATORY_FILING", dueAt: PAST });
    const inTime = await newCheck(recordA, { kind: "REGULATORY_FILING", dueAt: FUTURE });
    const decidedLate = await newCheck(recordA, { kind: "REGULATORY_FILING", dueAt: "2021-01-01T00:00:00Z" });
    ok(await move(gA, decidedLate.id, "IN_REVIEW"));
    ok(await move(gA, decidedLate.id, "PASSED"));
    ok(await assign(gA, inTime.id, ids.backOffice));
    expect(overdue.overdue).toBe(true);
    const list = async (filter: string, extra = "") =>
      (await query(gA, `{ complianceChecks(filter: {kind: [REGULATORY_FILING], ${filter}} ${extra}) { totalCount edges { node { id } } } }`)).complianceChecks;
    const idsOf = (c: any) => c.edges.map((e: any) => e.node.id);
    expect(idsOf(await list(""))).toEqual([overdue.id, decidedLate.id, inTime.id]);
    expect(idsOf(await list("", ", orderBy: {field: DUE_AT, direction: DESC}"))).toEqual([inTime.id, decidedLate.id, overdue.id]);
    expect(idsOf(await list("overdue: true"))).toEqual([overdue.id]);
    expect(idsOf(await list("overdue: false"))).toEqual([decidedLate.id, inTime.id]);
    expect(idsOf(await list("status: [PASSED]"))).toEqual([decidedLate.id]);
    expect(idsOf(await list("unassigned: false"))).toEqual([inTime.id]);
    expect(idsOf(await list(`dueAfter: "2020-06-01T00:00:00Z", dueBefore: "2030-01-01T00:00:00Z"`))).toEqual([decidedLate.id]);
    const bySubject = await query(gA, `query($s: ID!) { complianceChecks(filter: {subjectId: $s}) { totalCount } }`, { s: recordA });
    expect(bySubject.complianceChecks.totalCount).toBe(4); // three here, one from the first test
    const bad = await gA(`query($s: ID!) { complianceChecks(filter: {subjectId: $s}) { totalCount } }`, { s: bo.ticketA });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.subjectId" });
  });

  it("shows back-office readers the subject's id; a contact subject's data needs front:read, as documented", async () => {
    const onContact = await newCheck(bo.contactA);
    const onRecord = await newCheck(recordA);
    const app = bo.app;
    const backOfficeRole = bo.asOperatorInA(await app.operator("links@cc.test", { "cc-a": "BACK_OFFICE" }));
    const readKey = await app.apiKey("cc-a", ["BACK_READ"]);
    const backReadOnly: Gql = (q, v) => app.gql(q, v, app.as(readKey));
    const read = `query($id: ID!) { node(id: $id) { ... on ComplianceCheck { subjectId subjectContact { id name } subjectRecord { id } } } }`;

    const asRole = await backOfficeRole(read, { id: onContact.id });
    expect(asRole.errors).toBeUndefined();
    expect(asRole.data.node).toEqual({ subjectId: bo.contactA, subjectContact: { id: bo.contactA, name: "Client A" }, subjectRecord: null });

    const asKey = await backReadOnly(read, { id: onContact.id });
    expect(asKey.data.node).toEqual({ subjectId: bo.contactA, subjectContact: null, subjectRecord: null });
    expect(asKey.errors?.map((e) => [e.path?.[1], e.extensions?.code])).toEqual([["subjectContact", "FORBIDDEN"]]);
    // A back-office subject is back-office data: no error.
    const recordSubject = await backReadOnly(read, { id: onRecord.id });
    expect(recordSubject.errors).toBeUndefined();
    expect(recordSubject.data.node).toEqual({ subjectId: recordA, subjectContact: null, subjectRecord: { id: recordA } });
    // subjectId is what filter.subjectId takes.
    const filtered = await query(backReadOnly, `query($s: ID!) { complianceChecks(filter: {subjectId: $s}) { edges { node { id } } } }`, { s: recordA });
    expect(filtered.complianceChecks.edges.map((e: any) => e.node.id)).toContain(onRecord.id);

    const fields = (await query(gA, `{ __type(name: "ComplianceCheck") { fields { name description } } }`)).__type.fields;
    expect(fields.find((f: any) => f.name === "subjectContact").description).toMatch(/needs the front:read scope too\. Without it this field is null, with a FORBIDDEN error/);
  });

  it("lets the AUDITOR read and BACK_OFFICE write, and keeps AGENTs out", async () => {
    const app = bo.app;
    const login = (email: string) => app.services.auth.login(email, "correct horse battery staple").then((r) => bo.asOperatorInA(r.token));
    const [backOffice, auditor, agent] = [await login("bo@cc.test"), await login("auditor@cc.test"), await login("agent@cc.test")];
    ok(await open(backOffice, bo.contactA));
    expect((await auditor(`{ complianceChecks { totalCount } }`)).data.complianceChecks.totalCount).toBeGreaterThan(0);
    const write = `mutation($s: ID!) { openComplianceCheck(input: {kind: KYC, subjectId: $s, dueAt: "${FUTURE}"}) { __typename } }`;
    expect((await auditor(write, { s: bo.contactA })).data.openComplianceCheck.__typename).toBe("ForbiddenError");
    expect((await agent(write, { s: bo.contactA })).data.openComplianceCheck.__typename).toBe("ForbiddenError");
    expect((await agent(`{ complianceChecks { totalCount } }`)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("treats another tenant's checks and subjects as not found, on every query and mutation", async () => {
    const checkA = await newCheck(settlementA);
    const recordB = ok(await mutate(gB, "createRecord", { type: "contract", reference: "B-1", title: "B" })).id;
    const checkB = ok(await open(gB, recordB));
    const [countsA, countsB] = [await rowCounts(bo.app, "cc-a"), await rowCounts(bo.app, "cc-b")];
    const rowA = await rowOf(bo.app, "cc-a", "complianceCheck", rowId(checkA.id));
    expectAllNotFound({
      openOnForeignContact: await open(gB, bo.contactA),
      openOnForeignRecord: await open(gB, recordA),
      openOnForeignSettlement: await open(gB, settlementA),
      transition: await move(gB, checkA.id, "IN_REVIEW"),
      evidence: await mutate(gB, "addComplianceEvidence", { checkId: checkA.id, note: "x" }),
      assignReviewer: await assign(gB, checkA.id, ids.outsider),
      assignForeignReviewer: await assign(gB, checkB.id, ids.backOffice),
    });
    expect(await rowCounts(bo.app, "cc-a")).toEqual(countsA);
    expect(await rowCounts(bo.app, "cc-b")).toEqual(countsB);
    expect(await rowOf(bo.app, "cc-a", "complianceCheck", rowId(checkA.id))).toEqual(rowA);
    expect((await query(gB, `query($id: ID!) { node(id: $id) { id } }`, { id: checkA.id })).node).toBeNull();
    for (const s of [settlementA, recordA, bo.contactA]) {
      const res = await query(gB, `query($s: ID!) { complianceChecks(filter: {subjectId: $s}) { totalCount edges { node { id } } } }`, { s });
      expect(res.complianceChecks).toEqual({ totalCount: 0, edges: [] });
    }
    const byReviewer = await query(gB, `query($r: ID!) { complianceChecks(filter: {reviewerId: $r}) { totalCount } }`, { r: ids.backOffice });
    expect(byReviewer.complianceChecks.totalCount).toBe(0);
    const all = await query(gB, `{ complianceChecks(first: 100) { totalCount edges { node { id } } } }`);
    expect(all.complianceChecks.edges.map((e: any) => e.node.id)).toEqual([checkB.id]);
  });
});
