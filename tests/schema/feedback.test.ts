// Customer ratings through the API: CSAT 1–5, NPS 0–10, CES 1–7 with comments,
// one rating of a kind per ticket, range errors that write nothing, and isolation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";
import { mutate, newContact, newTicket, ok, rowCounts, type Gql } from "./front-office-support.js";

describe(`feedback (${ENGINE})`, () => {
  let app: TestApp;
  let gA: Gql;
  let gB: Gql;
  const rate = (g: Gql, input: Record<string, unknown>) =>
    mutate(g, "recordFeedback", "RecordFeedbackInput", input, "id kind score comment ticket { id } contact { id } createdAt");

  beforeAll(async () => {
    app = await createTestApp();
    const keyA = await app.apiKey("fb-a", ["FRONT_READ", "FRONT_WRITE"]);
    const keyB = await app.apiKey("fb-b", ["FRONT_READ", "FRONT_WRITE"]);
    gA = (q, v) => app.gql(q, v, app.as(keyA));
    gB = (q, v) => app.gql(q, v, app.as(keyB));
  });
  afterAll(() => app?.close());

  it("accepts every score at the edges of each range, with the ticket's contact and a comment", async () => {
    const contact = await newContact(gA, "Edge Ed");
    for (const [kind, scores] of [["CSAT", [1, 5]], ["NPS", [0, 10]], ["CES", [1, 7]]] as const) {
      for (const score of scores) {
        const t = await newTicket(gA, contact);
        const res = ok(await rate(gA, { kind, score, ticketId: t.id, comment: `  ${kind} ${score}  ` }));
        expect(res).toMatchObject({ kind, score, comment: `${kind} ${score}`, ticket: { id: t.id }, contact: { id: contact } });
      }
    }
    // Without a ticket, the contact is required.
    expect(ok(await rate(gA, { kind: "NPS", score: 8, contactId: contact })).ticket).toBeNull();
    expect(await rate(gA, { kind: "NPS", score: 8 })).toMatchObject({ __typename: "ValidationError", field: "contactId" });
  });

  it("rejects out-of-range scores with a ValidationError on score and writes nothing", async () => {
    const t = await newTicket(gA, await newContact(gA, "Rangy Ron"));
    const before = await rowCounts(app, "fb-a");
    const cases = [["CSAT", 0], ["CSAT", 6], ["NPS", -1], ["NPS", 11], ["CES", 0], ["CES", 8], ["CSAT", 100]] as const;
    for (const [kind, score] of cases) {
      const res = await rate(gA, { kind, score, ticketId: t.id, comment: "should not be stored" });
      expect([kind, score, res.__typename, res.field]).toEqual([kind, score, "ValidationError", "score"]);
      const [min, max] = { CSAT: [1, 5], NPS: [0, 10], CES: [1, 7] }[kind];
      expect(res.message).toBe(`A ${kind} score is a whole number from ${min} to ${max}; got ${score}.`);
    }
    const tooLong = await rate(gA, { kind: "CSAT", score: 5, ticketId: t.id, comment: "c".repeat(2_001) });
    expect(tooLong).toMatchObject({ __typename: "ValidationError", field: "comment" });
    expect(await rowCounts(app, "fb-a")).toEqual(before);
    const notInt = await gA(`mutation($t: ID!) { recordFeedback(input: {kind: CSAT, score: 4.5, ticketId: $t}) { __typename } }`, { t: t.id });
    expect(notInt.errors?.[0]?.message).toMatch(/Int/);
  });

  it("takes one CSAT per ticket: the second is a ConflictError and the first stays", async () => {
    const t = await newTicket(gA, await newContact(gA, "Once Olly"));
    const first = ok(await rate(gA, { kind: "CSAT", score: 5, ticketId: t.id }));
    const before = await rowCounts(app, "fb-a");
    expect(await rate(gA, { kind: "CSAT", score: 1, ticketId: t.id })).toMatchObject({ __typename: "ConflictError", message: "This ticket already has a CSAT rating." });
    expect(await rowCounts(app, "fb-a")).toEqual(before);
    const list = await gA(`query($t: ID!) { feedback(filter: {ticketId: $t}) { totalCount edges { node { id score } } } }`, { t: t.id });
    expect(list.data.feedback.edges.map((e: any) => e.node)).toEqual([{ id: first.id, score: 5 }]);
    // Other kinds are separate questions.
    ok(await rate(gA, { kind: "NPS", score: 10, ticketId: t.id }));
    ok(await rate(gA, { kind: "CES", score: 2, ticketId: t.id }));
    const onTicket = await gA(`query($t: ID!) { node(id: $t) { ... on Ticket { feedback { totalCount edges { node { kind } } } } } }`, { t: t.id });
    expect(onTicket.data.node.feedback.edges.map((e: any) => e.node.kind)).toEqual(["CSAT", "NPS", "CES"]);
  });

  it("accepts a ticket together with its contact's former (merged) id, and still refuses another contact, writing nothing", async () => {
    const [old, survivor, stranger] = [await newContact(gA, "Mo Merged"), await newContact(gA, "Mo Survivor"), await newContact(gA, "Stan Stranger")];
    const t = await newTicket(gA, old);
    ok(await mutate(gA, "mergeContacts", "MergeContactsInput", { survivorId: survivor, mergedId: old }));
    expect(ok(await rate(gA, { kind: "CSAT", score: 5, ticketId: t.id, contactId: old }))).toMatchObject({ ticket: { id: t.id }, contact: { id: survivor } });
    expect(ok(await rate(gA, { kind: "NPS", score: 9, ticketId: t.id, contactId: survivor })).contact.id).toBe(survivor);
    const before = await rowCounts(app, "fb-a");
    expect(await rate(gA, { kind: "CES", score: 2, ticketId: t.id, contactId: stranger })).toMatchObject({
      __typename: "ValidationError",
      field: "contactId",
      message: "The contact is not the ticket's contact.",
    });
    expect(await rowCounts(app, "fb-a")).toEqual(before);
  });

  it("concurrent CSATs for one ticket: exactly one is stored", async () => {
    const t = await newTicket(gA, await newContact(gA, "Racy Rae"));
    const results = await Promise.all([1, 2, 3, 4, 5].map((score) => rate(gA, { kind: "CSAT", score, ticketId: t.id })));
    expect(results.filter((r) => r.__typename === "RecordFeedbackSuccess")).toHaveLength(1);
    expect(results.filter((r) => r.__typename === "ConflictError")).toHaveLength(4);
  });

  it("lists, filters and orders ratings", async () => {
    const keyL = await app.apiKey("fb-list", ["FRONT_READ", "FRONT_WRITE"]);
    const gL: Gql = (q, v) => app.gql(q, v, app.as(keyL));
    const c = await newContact(gL, "Lou List");
    const t1 = await newTicket(gL, c);
    const t2 = await newTicket(gL, c);
    ok(await rate(gL, { kind: "CSAT", score: 2, ticketId: t1.id }));
    ok(await rate(gL, { kind: "CSAT", score: 5, ticketId: t2.id }));
    ok(await rate(gL, { kind: "NPS", score: 7, ticketId: t2.id }));
    const scores = async (args: string) =>
      (await gL(`{ feedback(${args}) { totalCount edges { node { kind score } } } }`)).data.feedback.edges.map((e: any) => `${e.node.kind}${e.node.score}`);
    expect(await scores(`orderBy: {field: CREATED_AT, direction: ASC}`)).toEqual(["CSAT2", "CSAT5", "NPS7"]);
    expect(await scores(`filter: {kind: [CSAT]}, orderBy: {field: SCORE, direction: DESC}`)).toEqual(["CSAT5", "CSAT2"]);
    expect(await scores(`filter: {minScore: 5}, orderBy: {field: SCORE, direction: ASC}`)).toEqual(["CSAT5", "NPS7"]);
    expect(await scores(`filter: {kind: [NPS, CES], minScore: 5}`)).toEqual(["NPS7"]);
    expect(await scores(`filter: {maxScore: 2}`)).toEqual(["CSAT2"]);
    expect(await scores(`filter: {createdAfter: "${new Date(Date.now() + 60_000).toISOString()}"}`)).toEqual([]);
  });

  it("refuses another tenant's ticket or contact as not found, writing nothing, and never lists its ratings", async () => {
    const contactA = await newContact(gA, "Private Pat");
    const tA = await newTicket(gA, contactA);
    ok(await rate(gA, { kind: "CSAT", score: 5, ticketId: tA.id }));
    const before = { a: await rowCounts(app, "fb-a"), b: await rowCounts(app, "fb-b") };
    expect(await rate(gB, { kind: "NPS", score: 0, ticketId: tA.id })).toMatchObject({ __typename: "NotFoundError" });
    expect(await rate(gB, { kind: "NPS", score: 0, contactId: contactA })).toMatchObject({ __typename: "NotFoundError" });
    expect({ a: await rowCounts(app, "fb-a"), b: await rowCounts(app, "fb-b") }).toEqual(before);
    expect((await gB(`query($t: ID!) { feedback(filter: {ticketId: $t}) { totalCount } }`, { t: tA.id })).data.feedback.totalCount).toBe(0);
    expect((await gB(`query($c: ID!) { feedback(filter: {contactId: $c}) { totalCount } }`, { c: contactA })).data.feedback.totalCount).toBe(0);
    expect((await gB(`{ feedback { totalCount } }`)).data.feedback.totalCount).toBe(0);
  });
});
