// Business records through the API: versions, retention, legal hold, archive, lists,
// permissions and tenant isolation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE } from "../support/app.js";
import { backOffice, expectAllNotFound, mutate, ok, query, rowCounts, rowId, rowOf, type BackOffice, type Gql } from "./back-office-support.js";

const RECORD = "id type reference title data version retentionUntil retentionDue legalHold legalHoldReason archivedAt contact { id }";

describe(`records (${ENGINE})`, () => {
  let bo: BackOffice;
  let gA: Gql;
  let gB: Gql;

  const create = (g: Gql, reference: string, extra: Record<string, unknown> = {}) =>
    mutate(g, "createRecord", { type: "contract", reference, title: `Contract ${reference}`, data: { value: 1 }, ...extra }, RECORD);
  const newRecord = async (reference: string, extra: Record<string, unknown> = {}) => ok(await create(gA, reference, extra));
  const events = async (id: string) =>
    (await query(gA, `query($e: String!) { auditEvents(first: 100, filter: {entityId: $e}, orderBy: {field: CREATED_AT, direction: ASC}) {
      edges { node { action actorType actorId before after } } } }`, { e: id })).auditEvents.edges.map((e: any) => e.node);

  beforeAll(async () => {
    bo = await backOffice("rec");
    ({ gA, gB } = bo);
  });
  afterAll(() => bo?.app.close());

  it("creates a typed record; the reference is unique per tenant and type", async () => {
    const rec = await newRecord("CTR-1", { type: " Contract ", contactId: bo.contactA, data: { parties: ["A", "B"], value: "1200.00" } });
    expect(rec).toMatchObject({ type: "contract", reference: "CTR-1", version: 1, legalHold: false, archivedAt: null, contact: { id: bo.contactA } });
    expect(rec.data).toEqual({ parties: ["A", "B"], value: "1200.00" });
    const before = await rowCounts(bo.app, "rec-a");
    const dup = await create(gA, "CTR-1");
    expect(dup.__typename).toBe("ConflictError");
    expect(dup.message).toMatch(/contract record with reference CTR-1 already exists/);
    expect(await rowCounts(bo.app, "rec-a")).toEqual(before);
    expect((await create(gA, "CTR-1", { type: "invoice" })).__typename).toBe("CreateRecordSuccess");
    expect(await create(gA, "X-1", { type: "no spaces" })).toMatchObject({ __typename: "ValidationError", field: "type" });
    expect(await create(gA, "X-2", { data: [1, 2] })).toMatchObject({ __typename: "ValidationError", field: "data" });
    expect(await create(gA, "X-3", { title: "   " })).toMatchObject({ __typename: "ValidationError", field: "title" });
    const [event] = await events(rec.id);
    expect(event).toMatchObject({ action: "record.created", actorType: "API_KEY", before: null, after: { reference: "CTR-1" } });
  });

  it("keeps every earlier version, readable as a history, newest first", async () => {
    const rec = await newRecord("HIST-1", { contactId: bo.contactA });
    const update = (input: Record<string, unknown>) => mutate(gA, "updateRecord", { id: rec.id, ...input }, RECORD);
    expect(ok(await update({ title: "Contract v2", data: { value: 2 } })).version).toBe(2);
    expect(ok(await update({ data: { value: 3, note: "renewed" } })).version).toBe(3);
    const v4 = ok(await update({ title: "Contract v4", contactId: null }));
    expect(v4).toMatchObject({ version: 4, title: "Contract v4", data: { value: 3, note: "renewed" }, contact: null });

    const history = await query(gA, `query($id: ID!) { node(id: $id) { ... on BusinessRecord {
        versions { totalCount edges { node { id version title data contactId createdAt record { id } } } } } } }`, { id: rec.id });
    const versions = history.node.versions;
    expect(versions.totalCount).toBe(3);
    expect(versions.edges.map((e: any) => [e.node.version, e.node.title, e.node.data, e.node.contactId])).toEqual([
      [3, "Contract v2", { value: 3, note: "renewed" }, bo.contactA],
      [2, "Contract v2", { value: 2 }, bo.contactA],
      [1, "Contract HIST-1", { value: 1 }, bo.contactA],
    ]);
    expect(versions.edges.every((e: any) => e.node.record.id === rec.id)).toBe(true);
    const versionNode = await query(gA, `query($id: ID!) { node(id: $id) { __typename ... on RecordVersion { version } } }`, { id: versions.edges[2].node.id });
    expect(versionNode.node).toEqual({ __typename: "RecordVersion", version: 1 });

    // A request that changes nothing writes nothing; one with nothing to change is refused.
    const before = await rowCounts(bo.app, "rec-a");
    expect(ok(await update({ title: "Contract v4", data: { note: "renewed", value: 3 } })).version).toBe(4);
    expect(await update({})).toMatchObject({ __typename: "ValidationError", field: "input" });
    expect(await update({ title: null })).toMatchObject({ __typename: "ValidationError", field: "title" });
    expect(await rowCounts(bo.app, "rec-a")).toEqual(before);

    const audit = await events(rec.id);
    expect(audit.map((e: any) => e.action)).toEqual(["record.created", "record.updated", "record.updated", "record.updated"]);
    expect(audit[3]).toMatchObject({ before: { version: 3, title: "Contract v2" }, after: { version: 4, title: "Contract v4", contactId: null } });
  });

  it("gives concurrent updates of one record consecutive versions, losing none", async () => {
    const rec = await newRecord("RACE-1");
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => mutate(gA, "updateRecord", { id: rec.id, data: { n } }, "version")));
    expect(results.map((r) => ok(r).version).sort()).toEqual([2, 3, 4, 5, 6]);
    const after = await query(gA, `query($id: ID!) { node(id: $id) { ... on BusinessRecord { version versions { totalCount edges { node { version } } } } } }`, { id: rec.id });
    expect(after.node.version).toBe(6);
    expect(after.node.versions.edges.map((e: any) => e.node.version)).toEqual([5, 4, 3, 2, 1]);
  });

  it("refuses to archive a record on legal hold, writing nothing, and archives it once released", async () => {
    const rec = await newRecord("HOLD-1");
    const hold = (h: boolean, reason?: string) => mutate(gA, "setLegalHold", { id: rec.id, hold: h, reason }, "legalHold legalHoldReason");
    const archive = () => mutate(gA, "archiveRecord", { id: rec.id }, "archivedAt");
    expect(await hold(true)).toMatchObject({ __typename: "ValidationError", field: "reason" });
    expect(ok(await hold(true, "Litigation 2026-17"))).toEqual({ legalHold: true, legalHoldReason: "Litigation 2026-17" });

    const counts = await rowCounts(bo.app, "rec-a");
    const row = await rowOf(bo.app, "rec-a", "record", rowId(rec.id));
    const refused = await archive();
    expect(refused.__typename).toBe("ConflictError");
    expect(refused.message).toMatch(/legal hold \(Litigation 2026-17\).*release the hold first/);
    expect(await rowCounts(bo.app, "rec-a")).toEqual(counts);
    expect(await rowOf(bo.app, "rec-a", "record", rowId(rec.id))).toEqual(row);

    expect(ok(await hold(false))).toEqual({ legalHold: false, legalHoldReason: null });
    const archivedAt = ok(await archive()).archivedAt;
    expect(Date.parse(archivedAt)).toBeGreaterThan(Date.now() - 60_000);
    // Archiving again changes nothing; an archived record keeps its content.
    expect(ok(await archive()).archivedAt).toBe(archivedAt);
    const change = await mutate(gA, "updateRecord", { id: rec.id, title: "Too late" });
    expect(change.__typename).toBe("ConflictError");
    expect(change.message).toMatch(/archived/);
    expect((await events(rec.id)).map((e: any) => e.action)).toEqual([
      "record.created",
      "record.legal_hold_set",
      "record.legal_hold_released",
      "record.archived",
    ]);
  });

  it("sets and clears retention dates, and lists records due for review", async () => {
    const due = await newRecord("RET-1", { type: "customer_file" });
    const later = await newRecord("RET-2", { type: "customer_file" });
    const retention = (id: string, retentionUntil: string | null) => mutate(gA, "setRecordRetention", { id, retentionUntil }, "retentionUntil retentionDue");
    expect(ok(await retention(due.id, "2020-01-01T00:00:00Z"))).toEqual({ retentionUntil: "2020-01-01T00:00:00.000Z", retentionDue: true });
    expect(ok(await retention(later.id, "2099-01-01T00:00:00Z"))).toEqual({ retentionUntil: "2099-01-01T00:00:00.000Z", retentionDue: false });
    const dueList = await query(gA, `{ records(filter: {type: "customer_file", retentionDue: true}) { totalCount edges { node { reference } } } }`);
    expect(dueList.records.edges.map((e: any) => e.node.reference)).toEqual(["RET-1"]);
    const before2100 = await query(gA, `{ records(filter: {type: "customer_file", retentionDueBefore: "2100-01-01T00:00:00Z"}, orderBy: {field: RETENTION_UNTIL, direction: ASC}) {
      edges { node { reference } } } }`);
    expect(before2100.records.edges.map((e: any) => e.node.reference)).toEqual(["RET-1", "RET-2"]);
    expect(ok(await retention(due.id, null))).toEqual({ retentionUntil: null, retentionDue: false });
    const audit = await events(due.id);
    expect(audit.slice(1).map((e: any) => [e.action, e.before.retentionUntil, e.after.retentionUntil])).toEqual([
      ["record.retention_set", null, "2020-01-01T00:00:00.000Z"],
      ["record.retention_set", "2020-01-01T00:00:00.000Z", null],
    ]);
  });

  it("splits records exactly in two with retentionDue: true and false, records without a date included", async () => {
    const type = "retention_split";
    const noDate = await newRecord("SPLIT-NONE", { type });
    const future = await newRecord("SPLIT-FUTURE", { type, retentionUntil: "2099-01-01T00:00:00Z" });
    const past = await newRecord("SPLIT-PAST", { type, retentionUntil: "2020-01-01T00:00:00Z" });
    const archivedPast = await newRecord("SPLIT-ARCHIVED", { type, retentionUntil: "2020-01-01T00:00:00Z" });
    ok(await mutate(gA, "archiveRecord", { id: archivedPast.id }));
    const list = async (due: boolean) =>
      (await query(gA, `query($t: String!, $d: Boolean!) { records(filter: {type: $t, retentionDue: $d}, orderBy: {field: REFERENCE, direction: ASC}) {
        totalCount edges { node { reference retentionDue } } } }`, { t: type, d: due })).records;
    const due = await list(true);
    const notDue = await list(false);
    expect(due.edges.map((e: any) => e.node)).toEqual([{ reference: "SPLIT-PAST", retentionDue: true }]);
    expect(notDue.edges.map((e: any) => e.node)).toEqual([
      { reference: "SPLIT-ARCHIVED", retentionDue: false },
      { reference: "SPLIT-FUTURE", retentionDue: false },
      { reference: "SPLIT-NONE", retentionDue: false },
    ]);
    // Counts agree with the lists, and the two halves make the whole.
    const all = (await query(gA, `query($t: String!) { records(filter: {type: $t}) { totalCount } }`, { t: type })).records.totalCount;
    expect([due.totalCount, notDue.totalCount, all]).toEqual([1, 3, 4]);
    expect([noDate, future, past].every((r) => r.archivedAt === null)).toBe(true);
  });

  it("bumps version only for content changes; retention, hold and archive leave it (and the history) alone", async () => {
    const rec = await newRecord("VER-1");
    const version = async () =>
      (await query(gA, `query($id: ID!) { node(id: $id) { ... on BusinessRecord { version versions { totalCount } } } }`, { id: rec.id })).node;
    expect(ok(await mutate(gA, "updateRecord", { id: rec.id, title: "Changed" }, "version")).version).toBe(2);
    ok(await mutate(gA, "setRecordRetention", { id: rec.id, retentionUntil: "2030-01-01T00:00:00Z" }));
    ok(await mutate(gA, "setLegalHold", { id: rec.id, hold: true, reason: "Case 9" }));
    ok(await mutate(gA, "setLegalHold", { id: rec.id, hold: false }));
    ok(await mutate(gA, "archiveRecord", { id: rec.id }));
    expect(await version()).toEqual({ version: 2, versions: { totalCount: 1 } });
    const schema = await query(gA, `{ __type(name: "BusinessRecord") { fields { name description } } }`);
    const described = schema.__type.fields.find((f: any) => f.name === "version").description;
    expect(described).toMatch(/title, data or contact/);
    expect(described).toMatch(/Retention, legal hold and archiving do not change it/);
  });

  it("database: versions cannot be changed or deleted and a held record cannot be archived or deleted, even by raw SQL in the tenant's scope", async () => {
    const rec = await newRecord("DB-GUARD-1");
    ok(await mutate(gA, "updateRecord", { id: rec.id, title: "Version 2" }));
    ok(await mutate(gA, "setLegalHold", { id: rec.id, hold: true, reason: "Case 7" }));
    const id = rowId(rec.id);
    const tenant = await bo.app.services.directory.getTenant("rec-a");
    const sql = bo.app.services.database.sql;
    /** One statement in a transaction that is rolled back: as the app role (like every scoped query) or as the connecting owner, with the tenant set. */
    const raw = (as: "app" | "owner", ...statements: string[]) =>
      sql.session(async (s) => {
        await s.exec("BEGIN");
        try {
          if (as === "app") await s.query("SELECT set_config('role', 'tandem_app', true), set_config('app.tenant_id', $1, true)", [tenant.id]);
          else await s.query("SELECT set_config('app.tenant_id', $1, true)", [tenant.id]);
          let rows: unknown[] = [];
          for (const statement of statements) rows = await s.query(statement, [id]);
          return rows;
        } finally {
          await s.exec("ROLLBACK");
        }
      });
    const snapshot = async () => ({
      record: await rowOf(bo.app, "rec-a", "record", id),
      versions: await bo.app.services.scopes.forTenant(tenant.id).tx((tx) => tx.recordVersion.findMany({ where: { recordId: id }, orderBy: { version: "asc" } })),
    });
    const before = await snapshot();
    expect(before.versions.map((v) => [v.version, v.title])).toEqual([[1, "Contract DB-GUARD-1"]]);
    // The visible rows exist for both callers: the refusals below are not "0 rows matched".
    expect(await raw("app", `SELECT id FROM "RecordVersion" WHERE "recordId" = $1`)).toHaveLength(1);
    expect(await raw("owner", `SELECT id FROM "RecordVersion" WHERE "recordId" = $1`)).toHaveLength(1);

    // The app role has no UPDATE or DELETE on versions; the table owner (and a superuser) meets the trigger.
    await expect(raw("app", `UPDATE "RecordVersion" SET title = 'forged' WHERE "recordId" = $1`)).rejects.toThrow(/permission denied/);
    await expect(raw("app", `DELETE FROM "RecordVersion" WHERE "recordId" = $1`)).rejects.toThrow(/permission denied/);
    await expect(raw("owner", `UPDATE "RecordVersion" SET title = 'forged' WHERE "recordId" = $1`)).rejects.toThrow(/record versions are immutable: UPDATE/);
    await expect(raw("owner", `DELETE FROM "RecordVersion" WHERE "recordId" = $1`)).rejects.toThrow(/record versions are immutable: DELETE/);
    await expect(sql.query(`TRUNCATE "RecordVersion"`)).rejects.toThrow(/record versions are immutable|must be owner|permission denied/);
    const scope = bo.app.services.scopes.forTenant(tenant.id);
    await expect(scope.db.recordVersion.updateMany({ where: { recordId: id }, data: { title: "forged" } })).rejects.toThrow(/permission denied/);
    await expect(scope.db.recordVersion.deleteMany({ where: { recordId: id } })).rejects.toThrow(/permission denied/);
    // Deleting a record (even once released) would take its history with it through the cascade: refused as well.
    for (const as of ["app", "owner"] as const) {
      await expect(raw(as, `UPDATE "Record" SET "legalHold" = false WHERE id = $1`, `DELETE FROM "Record" WHERE id = $1`)).rejects.toThrow(
        /record versions are immutable: DELETE/,
      );
    }

    // Legal hold: archiving (archivedAt from NULL to a time) is refused while held, also when the same statement releases the hold.
    for (const as of ["app", "owner"] as const) {
      await expect(raw(as, `UPDATE "Record" SET "archivedAt" = now() WHERE id = $1`)).rejects.toThrow(/record DB-GUARD-1 \(contract\) is on legal hold and cannot be archived/);
      await expect(raw(as, `UPDATE "Record" SET "archivedAt" = now(), "legalHold" = false WHERE id = $1`)).rejects.toThrow(/on legal hold and cannot be archived/);
      await expect(raw(as, `DELETE FROM "Record" WHERE id = $1`)).rejects.toThrow(/on legal hold and cannot be deleted/);
    }
    // Other changes of a held record still go through (the guard is about archiving), here rolled back.
    expect(await raw("app", `UPDATE "Record" SET "retentionUntil" = now() WHERE id = $1 RETURNING id`)).toHaveLength(1);
    expect(await snapshot()).toEqual(before);

    // The domain stays the first line of defence: the API answers with its typed error, not a database error.
    expect(await mutate(gA, "archiveRecord", { id: rec.id })).toMatchObject({ __typename: "ConflictError" });
    // Released, the record archives; an archived record can then be put on hold (that keeps it from being purged).
    ok(await mutate(gA, "setLegalHold", { id: rec.id, hold: false }));
    expect(ok(await mutate(gA, "archiveRecord", { id: rec.id }, "archivedAt")).archivedAt).not.toBeNull();
    expect(ok(await mutate(gA, "setLegalHold", { id: rec.id, hold: true, reason: "Case 8" }, "legalHold archivedAt")).legalHold).toBe(true);
    await expect(raw("owner", `DELETE FROM "Record" WHERE id = $1`)).rejects.toThrow(/on legal hold and cannot be deleted/);
  });

  it("lists with filters, order and pages of at most 100", async () => {
    for (const ref of ["L-3", "L-1", "L-2"]) await newRecord(ref, { type: "claim", contactId: ref === "L-2" ? bo.contactA : null });
    const page = (args: string) => query(gA, `{ records(${args}) { totalCount pageInfo { hasNextPage endCursor } edges { node { reference } } } }`);
    const sorted = await page(`first: 2, filter: {type: "claim"}, orderBy: {field: REFERENCE, direction: ASC}`);
    expect(sorted.records.totalCount).toBe(3);
    expect(sorted.records.edges.map((e: any) => e.node.reference)).toEqual(["L-1", "L-2"]);
    expect(sorted.records.pageInfo.hasNextPage).toBe(true);
    const next = await page(`first: 2, after: "${sorted.records.pageInfo.endCursor}", filter: {type: "claim"}, orderBy: {field: REFERENCE, direction: ASC}`);
    expect(next.records.edges.map((e: any) => e.node.reference)).toEqual(["L-3"]);
    const byContact = await query(gA, `query($c: ID!) { records(filter: {type: "claim", contactId: $c}) { totalCount edges { node { reference } } } }`, { c: bo.contactA });
    expect(byContact.records.edges.map((e: any) => e.node.reference)).toEqual(["L-2"]);
    expect((await page(`filter: {reference: "L-3"}`)).records.totalCount).toBe(1);
    expect((await page(`filter: {type: "claim", archived: true}`)).records.totalCount).toBe(0);
    expect((await page(`filter: {type: "claim", legalHold: false}`)).records.totalCount).toBe(3);
    expect((await page(`filter: {type: "claim"}`)).records.edges).toHaveLength(3);
    expect((await page(`first: 100`)).records.edges.length).toBeGreaterThan(0);

    const tooMany = await gA(`{ records(first: 101) { totalCount } }`);
    expect(tooMany.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    expect(tooMany.errors?.[0]?.message).toMatch(/between 0 and 100/);
    const nestedTooMany = await gA(`{ records(first: 1) { edges { node { versions(first: 500) { totalCount } } } } }`);
    expect(nestedTooMany.errors?.[0]?.message).toMatch(/between 0 and 100/);
  });

  it("reads a page of records with contacts and versions in a fixed number of statements (no N+1)", async () => {
    for (let i = 0; i < 30; i++) {
      const rec = await newRecord(`BULK-${i}`, { type: "bulk", contactId: bo.contactA });
      await mutate(gA, "updateRecord", { id: rec.id, title: `Bulk ${i} v2` });
    }
    const statements = async (n: number) => {
      const before = bo.app.services.database.stats.statements;
      const res = await gA(`{ records(first: ${n}, filter: {type: "bulk"}) { totalCount edges { node { title contact { name } versions(first: 3) { totalCount edges { node { title } } } } } } }`);
      expect(res.errors).toBeUndefined();
      expect(res.data.records.edges).toHaveLength(n);
      expect(res.data.records.edges[0].node.versions.totalCount).toBe(1);
      return bo.app.services.database.stats.statements - before;
    };
    expect(await statements(30)).toBe(await statements(3));
  });

  it("lets BACK_OFFICE write, the AUDITOR read only, and keeps AGENTs and read-only keys out", async () => {
    const app = bo.app;
    const backOffice = bo.asOperatorInA(await app.operator("bo@rec.test", { "rec-a": "BACK_OFFICE" }));
    const auditor = bo.asOperatorInA(await app.operator("aud@rec.test", { "rec-a": "AUDITOR" }));
    const agent = bo.asOperatorInA(await app.operator("agent@rec.test", { "rec-a": "AGENT" }));
    const readKey = await app.apiKey("rec-a", ["BACK_READ"]);
    const readOnly: Gql = (q, v) => app.gql(q, v, app.as(readKey));
    const frontKey = await app.apiKey("rec-a", ["FRONT_READ", "FRONT_WRITE"]);
    const frontOnly: Gql = (q, v) => app.gql(q, v, app.as(frontKey));

    const written = ok(await mutate(backOffice, "createRecord", { type: "memo", reference: "M-1", title: "By back office" }));
    const [event] = await events(written.id);
    expect(event).toMatchObject({ actorType: "OPERATOR", action: "record.created" });

    const createAs = (g: Gql) => g(`mutation { createRecord(input: {type: "memo", reference: "M-2", title: "x"}) { __typename } }`);
    for (const g of [auditor, agent, readOnly, frontOnly]) expect((await createAs(g)).data.createRecord.__typename).toBe("ForbiddenError");
    for (const g of [auditor, readOnly, backOffice]) expect((await query(g, `{ records(filter: {type: "memo"}) { totalCount } }`)).records.totalCount).toBe(1);
    for (const g of [agent, frontOnly]) expect((await g(`{ records { totalCount } }`)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    // The linked contact is front-office data: the BACK_OFFICE role reads it, a back:read-only key sees its id only.
    const linked = ok(await mutate(gA, "createRecord", { type: "memo", reference: "M-LINK", title: "Linked", contactId: bo.contactA }));
    const read = `query($id: ID!) { node(id: $id) { ... on BusinessRecord { contactId contact { name } } } }`;
    expect((await query(backOffice, read, { id: linked.id })).node).toEqual({ contactId: bo.contactA, contact: { name: "Client A" } });
    const asKey = await readOnly(read, { id: linked.id });
    expect(asKey.data.node).toEqual({ contactId: bo.contactA, contact: null });
    expect(asKey.errors?.map((e) => [e.path?.[1], e.extensions?.code])).toEqual([["contact", "FORBIDDEN"]]);
  });

  it("merging contacts moves back-office rows by the back-office rules, and only for callers with back:write", async () => {
    const app = bo.app;
    const contact = async (name: string) => ok(await mutate(gA, "createContact", { name })).id;
    const [survivor, duplicate, plain, plainDuplicate] = [await contact("Stays"), await contact("Duplicate"), await contact("Plain"), await contact("Plain dup")];
    const active = await newRecord("MERGE-1", { contactId: duplicate });
    ok(await mutate(gA, "updateRecord", { id: active.id, title: "Merge one v2" }));
    const archived = await newRecord("MERGE-2", { contactId: duplicate });
    ok(await mutate(gA, "archiveRecord", { id: archived.id }));
    const settlement = ok(
      await mutate(gA, "createSettlement", { idempotencyKey: "merge-1", reference: "MS-1", counterparty: "Bank", amount: "1.00", currency: "EUR", direction: "PAYABLE", valueDate: "2026-12-01", contactId: duplicate }, "settlement { id }"),
    ).settlement.id;
    const openCheck = ok(await mutate(gA, "openComplianceCheck", { kind: "KYC", subjectId: duplicate, dueAt: "2099-01-01T00:00:00Z" })).id;
    const decidedCheck = ok(await mutate(gA, "openComplianceCheck", { kind: "AML_SCREENING", subjectId: duplicate, dueAt: "2099-01-01T00:00:00Z" })).id;
    for (const status of ["IN_REVIEW", "PASSED"]) ok(await mutate(gA, "transitionComplianceCheck", { id: decidedCheck, status }));
    const merge = (g: Gql, survivorId: string, mergedId: string) => mutate(g, "mergeContacts", { survivorId, mergedId }, "id");

    // Front office only (an AGENT, a front:write key): refused with the reason, nothing written.
    const agent = bo.asOperatorInA(await app.operator("merge-agent@rec.test", { "rec-a": "AGENT" }));
    const frontKey = await app.apiKey("rec-a", ["FRONT_WRITE"]);
    const frontOnly: Gql = (q, v) => app.gql(q, v, app.as(frontKey));
    const counts = await rowCounts(app, "rec-a");
    const rows = {
      active: await rowOf(app, "rec-a", "record", rowId(active.id)),
      archived: await rowOf(app, "rec-a", "record", rowId(archived.id)),
      settlement: await rowOf(app, "rec-a", "settlement", rowId(settlement)),
      openCheck: await rowOf(app, "rec-a", "complianceCheck", rowId(openCheck)),
    };
    for (const g of [agent, frontOnly]) {
      const refused = await merge(g, survivor, duplicate);
      expect(refused.__typename).toBe("ForbiddenError");
      expect(refused.message).toBe(
        "The contact being merged has back-office data (2 business records, 1 settlement, 2 compliance checks); merging moves it, which needs back:write (a BACK_OFFICE, ADMIN or OWNER role, or an API key with back:write). Nothing was merged.",
      );
    }
    expect(await rowCounts(app, "rec-a")).toEqual(counts);
    expect(await rowOf(app, "rec-a", "record", rowId(active.id))).toEqual(rows.active);
    expect(await rowOf(app, "rec-a", "record", rowId(archived.id))).toEqual(rows.archived);
    expect(await rowOf(app, "rec-a", "settlement", rowId(settlement))).toEqual(rows.settlement);
    expect(await rowOf(app, "rec-a", "complianceCheck", rowId(openCheck))).toEqual(rows.openCheck);
    const mergedInto = async (id: string) => (await query(gA, `query($id: ID!) { node(id: $id) { ... on Contact { mergedInto { id } } } }`, { id })).node.mergedInto;
    expect(await mergedInto(duplicate)).toBeNull();
    // A contact without back-office rows is still merged by the front office.
    expect((await merge(agent, plain, plainDuplicate)).__typename).toBe("MergeContactsSuccess");

    // With back:write: moved, each record with a new version, every moved row audited; final rows stay.
    expect(ok(await merge(gA, survivor, duplicate)).id).toBe(survivor);
    expect(await mergedInto(duplicate)).toEqual({ id: survivor });
    const recordNow = async (id: string) =>
      (await query(gA, `query($id: ID!) { node(id: $id) { ... on BusinessRecord { version contactId versions { edges { node { version title contactId } } } } } }`, { id })).node;
    expect(await recordNow(active.id)).toEqual({
      version: 3,
      contactId: survivor,
      versions: { edges: [{ node: { version: 2, title: "Merge one v2", contactId: duplicate } }, { node: { version: 1, title: "Contract MERGE-1", contactId: duplicate } }] },
    });
    expect(await recordNow(archived.id)).toEqual({ version: 1, contactId: duplicate, versions: { edges: [] } });
    const settlementNow = await query(gA, `query($id: ID!) { node(id: $id) { ... on Settlement { contactId } } }`, { id: settlement });
    expect(settlementNow.node.contactId).toBe(survivor);
    const subjectOf = async (id: string) => (await query(gA, `query($id: ID!) { node(id: $id) { ... on ComplianceCheck { subjectId } } }`, { id })).node.subjectId;
    expect([await subjectOf(openCheck), await subjectOf(decidedCheck)]).toEqual([survivor, duplicate]);

    const last = async (id: string) => (await events(id)).at(-1);
    expect(await last(active.id)).toMatchObject({ action: "record.contact_merged", actorType: "API_KEY", before: { version: 2, contactId: rowId(duplicate) }, after: { version: 3, contactId: rowId(survivor) } });
    expect(await last(settlement)).toMatchObject({ action: "settlement.contact_merged", before: { contactId: rowId(duplicate) }, after: { contactId: rowId(survivor) } });
    expect(await last(openCheck)).toMatchObject({ action: "compliance_check.subject_merged", before: { subjectContactId: rowId(duplicate) }, after: { subjectContactId: rowId(survivor) } });
    expect((await events(archived.id)).map((e: any) => e.action)).toEqual(["record.created", "record.archived"]);
    expect((await events(decidedCheck)).map((e: any) => e.action)).not.toContain("compliance_check.subject_merged");
    const merged = await last(survivor);
    expect(merged).toMatchObject({
      action: "contact.merged",
      after: {
        backOffice: {
          movedRecordIds: [rowId(active.id)],
          keptArchivedRecordIds: [rowId(archived.id)],
          movedSettlementIds: [rowId(settlement)],
          movedCheckIds: [rowId(openCheck)],
          keptDecidedCheckIds: [rowId(decidedCheck)],
        },
      },
    });
  });

  it("treats another tenant's records, versions and contacts as not found, on every query and mutation", async () => {
    const recA = await newRecord("CROSS-1", { contactId: bo.contactA });
    ok(await mutate(gA, "updateRecord", { id: recA.id, title: "Changed" }));
    const versionA = (await query(gA, `query($id: ID!) { node(id: $id) { ... on BusinessRecord { versions { edges { node { id } } } } } }`, { id: recA.id })).node
      .versions.edges[0].node.id;
    const recB = ok(await create(gB, "CROSS-B"));
    const [countsA, countsB] = [await rowCounts(bo.app, "rec-a"), await rowCounts(bo.app, "rec-b")];
    const rowA = await rowOf(bo.app, "rec-a", "record", rowId(recA.id));

    expectAllNotFound({
      createRecordWithForeignContact: await create(gB, "X", { contactId: bo.contactA }),
      updateRecord: await mutate(gB, "updateRecord", { id: recA.id, title: "hijack" }),
      updateRecordWithForeignContact: await mutate(gB, "updateRecord", { id: recB.id, contactId: bo.contactA }),
      setRecordRetention: await mutate(gB, "setRecordRetention", { id: recA.id, retentionUntil: "2020-01-01T00:00:00Z" }),
      setLegalHold: await mutate(gB, "setLegalHold", { id: recA.id, hold: true, reason: "x" }),
      releaseLegalHold: await mutate(gB, "setLegalHold", { id: recA.id, hold: false }),
      archiveRecord: await mutate(gB, "archiveRecord", { id: recA.id }),
    });
    expect(await rowCounts(bo.app, "rec-a")).toEqual(countsA);
    expect(await rowCounts(bo.app, "rec-b")).toEqual(countsB);
    expect(await rowOf(bo.app, "rec-a", "record", rowId(recA.id))).toEqual(rowA);

    for (const id of [recA.id, versionA]) expect((await query(gB, `query($id: ID!) { node(id: $id) { id } }`, { id })).node).toBeNull();
    const filtered = await query(gB, `query($c: ID!) { records(filter: {contactId: $c}) { totalCount edges { node { id } } } }`, { c: bo.contactA });
    expect(filtered.records).toEqual({ totalCount: 0, edges: [] });
    const byRef = await query(gB, `{ records(filter: {reference: "CROSS-1"}) { totalCount } }`);
    expect(byRef.records.totalCount).toBe(0);
    const all = await query(gB, `{ records(first: 100) { edges { node { id } } } }`);
    expect(all.records.edges.map((e: any) => e.node.id)).toEqual([recB.id]);
  });
});
