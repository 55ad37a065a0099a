// Contacts through the API: create, update, identity look-up, search, tags, merge,
// validation, permissions, and isolation from other tenants.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";
import { mutate, newContact, newTicket, ok, rowCounts, rowId, type Gql } from "./front-office-support.js";

describe(`contacts (${ENGINE})`, () => {
  let app: TestApp;
  let gA: Gql;
  let gB: Gql;
  let auditor: string;

  beforeAll(async () => {
    app = await createTestApp();
    const keyA = await app.apiKey("ct-a", ["FRONT_READ", "FRONT_WRITE"]);
    const keyB = await app.apiKey("ct-b", ["FRONT_READ", "FRONT_WRITE"]);
    gA = (q, v) => app.gql(q, v, app.as(keyA));
    gB = (q, v) => app.gql(q, v, app.as(keyB));
    auditor = await app.operator("auditor@ct.test", { "ct-a": "AUDITOR" });
  });
  afterAll(() => app?.close());

  it("creates a contact with normalised identities and looks it up by each of them", async () => {
    const id = await newContact(gA, "Maria Lopez", { email: " Maria@Example.COM ", phone: "+44 (7700) 900-123", telegramUserId: "5550001", locale: "pt_BR", tags: ["VIP", "vip", "billing"] });
    const read = await gA(`query($id: ID!) { node(id: $id) { ... on Contact { name email phone telegramUserId locale tags mergedInto { id } } } }`, { id });
    expect(read.data.node).toEqual({ name: "Maria Lopez", email: "maria@example.com", phone: "+447700900123", telegramUserId: "5550001", locale: "pt-BR", tags: ["vip", "billing"], mergedInto: null });

    for (const args of [`email: "MARIA@example.com"`, `phone: "+44 7700 900123"`, `phone: "447700900123"`, `telegramUserId: "5550001"`]) {
      const found = await gA(`{ contactByIdentity(${args}) { id } }`);
      expect([args, found.data.contactByIdentity?.id]).toEqual([args, id]);
    }
    expect((await gA(`{ contactByIdentity(email: "nobody@example.com") { id } }`)).data.contactByIdentity).toBeNull();
    // An empty identity matches nobody, not the first contact without an email.
    await newContact(gA, "No Email");
    expect((await gA(`{ contactByIdentity(email: "") { id } }`)).data.contactByIdentity).toBeNull();
    const two = await gA(`{ contactByIdentity(email: "maria@example.com", phone: "+447700900123") { id } }`);
    expect(two.errors?.[0]).toMatchObject({ message: "Give exactly one of email, phone or telegramUserId.", extensions: { code: "BAD_USER_INPUT" } });
  });

  it("keeps identities unique within a tenant, not across tenants", async () => {
    await newContact(gA, "Uma Unique", { email: "uma@example.com", phone: "+15550000001", telegramUserId: "777" });
    const before = await rowCounts(app, "ct-a");
    for (const identity of [{ email: "UMA@example.com" }, { phone: "+1 555 000 0001" }, { telegramUserId: "777" }]) {
      const dup = await mutate(gA, "createContact", "CreateContactInput", { name: "Copy", ...identity });
      expect(dup).toMatchObject({ __typename: "ConflictError", message: expect.stringMatching(/already exists/) });
    }
    expect(await rowCounts(app, "ct-a")).toEqual(before);
    // Another tenant's customer with the same identities is another person.
    await newContact(gB, "Uma in B", { email: "uma@example.com", phone: "+15550000001", telegramUserId: "777" });
    const other = await newContact(gA, "Other");
    const clash = await mutate(gA, "updateContact", "UpdateContactInput", { id: other, email: "uma@example.com" });
    expect(clash.__typename).toBe("ConflictError");
  });

  it("validates input and names the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "   " }, "name"],
      [{ name: "x".repeat(201) }, "name"],
      [{ name: "A", email: "not-an-email" }, "email"],
      [{ name: "A", phone: "12" }, "phone"],
      [{ name: "A", telegramUserId: "-5" }, "telegramUserId"],
      [{ name: "A", locale: "english please" }, "locale"],
      [{ name: "A", tags: ["no spaces allowed"] }, "tags"],
      [{ name: "A", tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "tags"],
    ];
    const before = await rowCounts(app, "ct-a");
    for (const [input, field] of cases) {
      const res = await mutate(gA, "createContact", "CreateContactInput", input);
      expect([field, res.__typename, res.field]).toEqual([field, "ValidationError", field]);
    }
    const id = await newContact(gA, "Nina Name");
    const cleared = await mutate(gA, "updateContact", "UpdateContactInput", { id, name: null });
    expect(cleared).toMatchObject({ __typename: "ValidationError", field: "name" });
    expect((await rowCounts(app, "ct-a")).contacts).toBe(before.contacts + 1);
  });

  it("updates only the fields given; null clears an identity; every change is audited with before and after", async () => {
    const id = await newContact(gA, "Ula Update", { email: "ula@example.com", phone: "+15550000002", tags: ["a"] });
    const res = await mutate(gA, "updateContact", "UpdateContactInput", { id, name: "Ula U.", phone: null, tags: ["b", "c"] }, "name email phone tags");
    expect(ok(res)).toEqual({ name: "Ula U.", email: "ula@example.com", phone: null, tags: ["b", "c"] });
    const tenant = await app.services.directory.getTenant("ct-a");
    const audit = await app.services.scopes.forTenant(tenant.id).db.auditEvent.findMany({ where: { entityId: rowId(id) }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(audit.map((a) => a.action)).toEqual(["contact.created", "contact.updated"]);
    expect(audit[1]).toMatchObject({ actorType: "API_KEY", before: { name: "Ula Update", phone: "+15550000002" }, after: { name: "Ula U.", phone: null } });
  });

  it("searches by name, email or phone, filters by tag, orders and pages", async () => {
    const keyC = await app.apiKey("ct-c", ["FRONT_READ", "FRONT_WRITE"]);
    const gC: Gql = (q, v) => app.gql(q, v, app.as(keyC));
    await newContact(gC, "Search Sally", { email: "sally@shop.test", phone: "+4930111222", tags: ["gold"] });
    await newContact(gC, "Search Sam", { email: "sam@other.test", tags: ["gold", "late"] });
    await newContact(gC, "Tom Nobody");
    const names = async (args: string) =>
      (await gC(`{ contacts(${args}) { totalCount edges { node { name } } } }`)).data.contacts as { totalCount: number; edges: { node: { name: string } }[] };
    expect((await names(`filter: {search: "SEARCH"}`)).edges.map((e) => e.node.name)).toEqual(["Search Sally", "Search Sam"]);
    expect((await names(`filter: {search: "shop.test"}`)).edges.map((e) => e.node.name)).toEqual(["Search Sally"]);
    expect((await names(`filter: {search: "30 111"}`)).edges.map((e) => e.node.name)).toEqual(["Search Sally"]);
    expect((await names(`filter: {tag: "Gold"}`)).totalCount).toBe(2);
    expect((await names(`filter: {tag: "late"}`)).edges.map((e) => e.node.name)).toEqual(["Search Sam"]);
    expect((await names(`filter: {phone: "+49 30 111222"}`)).edges.map((e) => e.node.name)).toEqual(["Search Sally"]);
    expect((await names(`filter: {search: "search"}, orderBy: {field: NAME, direction: DESC}`)).edges.map((e) => e.node.name)).toEqual(["Search Sam", "Search Sally"]);
    const page = await gC(`{ contacts(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }`);
    expect(page.data.contacts.totalCount).toBe(3);
    expect(page.data.contacts.pageInfo.hasNextPage).toBe(true);
    const next = await gC(`query($after: String!) { contacts(first: 2, after: $after) { pageInfo { hasNextPage } edges { node { name } } } }`, {
      after: page.data.contacts.pageInfo.endCursor,
    });
    expect(next.data.contacts.edges.map((e: any) => e.node.name)).toEqual(["Tom Nobody"]);
    expect(next.data.contacts.pageInfo.hasNextPage).toBe(false);
  });

  it("merges a duplicate: tickets, messages and feedback move to the survivor, identities and tags too", async () => {
    const survivor = await newContact(gA, "Sam Survivor", { email: "sam@example.com", tags: ["keep"] });
    const dupe = await newContact(gA, "Sam Dupe", { email: "sam.dupe@example.com", phone: "+15550100", telegramUserId: "8080", tags: ["dupe"] });
    const t = await newTicket(gA, dupe, { subject: "Dupe's ticket" });
    ok(await mutate(gA, "recordFeedback", "RecordFeedbackInput", { kind: "CSAT", score: 4, ticketId: t.id }));
    ok(await mutate(gA, "recordFeedback", "RecordFeedbackInput", { kind: "NPS", score: 9, contactId: dupe }));

    const merged = await mutate(gA, "mergeContacts", "MergeContactsInput", { survivorId: survivor, mergedId: dupe }, "id email phone telegramUserId tags tickets { totalCount }");
    expect(ok(merged)).toEqual({ id: survivor, email: "sam@example.com", phone: "+15550100", telegramUserId: "8080", tags: ["keep", "dupe"], tickets: { totalCount: 1 } });

    const old = await gA(`query($id: ID!) { node(id: $id) { ... on Contact { mergedInto { id } email phone tickets { totalCount } } } }`, { id: dupe });
    expect(old.data.node).toEqual({ mergedInto: { id: survivor }, email: null, phone: null, tickets: { totalCount: 0 } });
    const thread = await gA(`query($id: ID!) { node(id: $id) { ... on Ticket { contact { id } messages { edges { node { author contact { id } } } } } } }`, { id: t.id });
    expect(thread.data.node.contact.id).toBe(survivor);
    expect(thread.data.node.messages.edges).toEqual([{ node: { author: "CONTACT", contact: { id: survivor } } }]);
    const fb = await gA(`query($c: ID!) { feedback(filter: {contactId: $c}) { totalCount } }`, { c: survivor });
    expect(fb.data.feedback.totalCount).toBe(2);
    // The survivor now answers to the duplicate's identities; merged contacts are hidden from the list by default.
    expect((await gA(`{ contactByIdentity(telegramUserId: "8080") { id } }`)).data.contactByIdentity.id).toBe(survivor);
    expect((await gA(`{ contacts(filter: {search: "Sam Dupe"}) { totalCount } }`)).data.contacts.totalCount).toBe(0);
    expect((await gA(`{ contacts(filter: {search: "Sam Dupe", includeMerged: true}) { totalCount } }`)).data.contacts.totalCount).toBe(1);
    // A new ticket for the merged contact lands on the survivor.
    const later = await newTicket(gA, dupe);
    expect((await gA(`query($id: ID!) { node(id: $id) { ... on Ticket { contact { id } } } }`, { id: later.id })).data.node.contact.id).toBe(survivor);

    const again = await mutate(gA, "mergeContacts", "MergeContactsInput", { survivorId: survivor, mergedId: dupe });
    expect(again.__typename).toBe("ConflictError");
    const self = await mutate(gA, "mergeContacts", "MergeContactsInput", { survivorId: survivor, mergedId: survivor });
    expect(self).toMatchObject({ __typename: "ValidationError", field: "mergedId" });
    const edit = await mutate(gA, "updateContact", "UpdateContactInput", { id: dupe, name: "Back" });
    expect(edit).toMatchObject({ __typename: "ValidationError", field: "id" });
  });

  it("leaves no merge chain: after A into B and B into C, A points at C, and every old id links new work to C", async () => {
    const [a, b, c] = [await newContact(gA, "Chain A"), await newContact(gA, "Chain B"), await newContact(gA, "Chain C")];
    ok(await mutate(gA, "mergeContacts", "MergeContactsInput", { survivorId: b, mergedId: a }));
    ok(await mutate(gA, "mergeContacts", "MergeContactsInput", { survivorId: c, mergedId: b }));
    const mergedInto = async (id: string) => (await gA(`query($id: ID!) { node(id: $id) { ... on Contact { mergedInto { id } } } }`, { id })).data.node.mergedInto?.id;
    expect([await mergedInto(a), await mergedInto(b), await mergedInto(c)]).toEqual([c, c, undefined]);
    const tenant = await app.services.directory.getTenant("ct-a");
    const audit = await app.services.scopes.forTenant(tenant.id).db.auditEvent.findFirst({ where: { action: "contact.merged", entityId: rowId(c) } });
    expect(audit?.after).toMatchObject({ repointedContactIds: [rowId(a)] });

    // Every old id opens tickets and takes ratings on C.
    const contactOf = async (ticketId: string) => (await gA(`query($id: ID!) { node(id: $id) { ... on Ticket { contact { id } } } }`, { id: ticketId })).data.node.contact.id;
    expect(await contactOf((await newTicket(gA, a)).id)).toBe(c);
    expect(await contactOf((await newTicket(gA, b)).id)).toBe(c);
    const rating = ok(await mutate(gA, "recordFeedback", "RecordFeedbackInput", { kind: "NPS", score: 9, contactId: a }, "contact { id }"));
    expect(rating.contact.id).toBe(c);

    // A chain written before merges re-pointed (D → E → F) is followed to its end too, by front and back office alike.
    const [d, e, f] = [await newContact(gA, "Old D"), await newContact(gA, "Old E"), await newContact(gA, "Old F")];
    await app.services.scopes.forTenant(tenant.id).tx(async (tx) => {
      await tx.contact.update({ where: { tenantId_id: { tenantId: tenant.id, id: rowId(d) } }, data: { mergedIntoId: rowId(e) } });
      await tx.contact.update({ where: { tenantId_id: { tenantId: tenant.id, id: rowId(e) } }, data: { mergedIntoId: rowId(f) } });
    });
    expect(await contactOf((await newTicket(gA, d)).id)).toBe(f);
    const backKey = await app.apiKey("ct-a", ["BACK_READ", "BACK_WRITE"]);
    const record = await app.gql(
      `mutation($i: CreateRecordInput!) { createRecord(input: $i) { ... on CreateRecordSuccess { data { contactId } } ... on Error { message } } }`,
      { i: { type: "customer_file", reference: "CF-CHAIN", title: "File", contactId: d } },
      app.as(backKey),
    );
    expect(record.data.createRecord.data.contactId).toBe(f);
    // Merging into a contact that was itself merged away is refused, not silently redirected.
    expect(await mutate(gA, "mergeContacts", "MergeContactsInput", { survivorId: a, mergedId: d })).toMatchObject({ __typename: "ConflictError" });
  });

  it("lets an AUDITOR read contacts but not change them", async () => {
    const read = await app.gql(`{ contacts { totalCount } }`, {}, app.as(auditor, "ct-a"));
    expect(read.data.contacts.totalCount).toBeGreaterThan(0);
    const before = await rowCounts(app, "ct-a");
    const write = await app.gql(`mutation { createContact(input: {name: "No"}) { __typename } }`, {}, app.as(auditor, "ct-a"));
    expect(write.errors).toBeUndefined();
    expect(write.data.createContact.__typename).toBe("ForbiddenError");
    expect(await rowCounts(app, "ct-a")).toEqual(before);
  });

  it("treats another tenant's contacts as not found everywhere", async () => {
    const a = await newContact(gA, "Alice Only-A", { email: "alice@only-a.test", telegramUserId: "424242" });
    const b = await newContact(gB, "Bob Only-B");
    const beforeA = await rowCounts(app, "ct-a");
    const beforeB = await rowCounts(app, "ct-b");

    expect((await gB(`query($id: ID!) { node(id: $id) { id } }`, { id: a })).data.node).toBeNull();
    expect((await gB(`{ contactByIdentity(email: "alice@only-a.test") { id } }`)).data.contactByIdentity).toBeNull();
    expect((await gB(`{ contactByIdentity(telegramUserId: "424242") { id } }`)).data.contactByIdentity).toBeNull();
    expect((await gB(`{ contacts(filter: {search: "Only-A"}) { totalCount } }`)).data.contacts.totalCount).toBe(0);
    expect((await gB(`{ contacts(filter: {email: "alice@only-a.test", includeMerged: true}) { totalCount } }`)).data.contacts.totalCount).toBe(0);

    expect(await mutate(gB, "updateContact", "UpdateContactInput", { id: a, name: "Hijack" })).toMatchObject({ __typename: "NotFoundError" });
    expect(await mutate(gB, "mergeContacts", "MergeContactsInput", { survivorId: b, mergedId: a })).toMatchObject({ __typename: "NotFoundError" });
    expect(await mutate(gB, "mergeContacts", "MergeContactsInput", { survivorId: a, mergedId: b })).toMatchObject({ __typename: "NotFoundError" });
    expect(await rowCounts(app, "ct-a")).toEqual(beforeA);
    expect(await rowCounts(app, "ct-b")).toEqual(beforeB);
    const still = await gA(`query($id: ID!) { node(id: $id) { ... on Contact { name mergedInto { id } } } }`, { id: a });
    expect(still.data.node).toEqual({ name: "Alice Only-A", mergedInto: null });
  });

  it("answers a malformed or wrong-typed id with a validation error, not a crash", async () => {
    const t = await newTicket(gA, await newContact(gA, "Typed"));
    expect(await mutate(gA, "updateContact", "UpdateContactInput", { id: "garbage", name: "x" })).toMatchObject({ __typename: "ValidationError", field: "id" });
    expect(await mutate(gA, "updateContact", "UpdateContactInput", { id: t.id, name: "x" })).toMatchObject({ __typename: "ValidationError", field: "id" });
    const bad = await gA(`{ contacts(filter: {telegramUserId: "12ab"}) { totalCount } }`);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.telegramUserId" });
  });
});
