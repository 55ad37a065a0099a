// The knowledge base through the API: create, update, publish/unpublish, delete,
// search (and the front desk's look-up over published articles), with isolation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/domain/actor.js";
import { confidentHit } from "../../src/bot/assistant/article-index.js";
import { OfflineAssistant } from "../../src/bot/assistant/offline.js";
import { KnowledgeCache } from "../../src/bot/knowledge-cache.js";
import { FrontDesk } from "../../src/bot/front-desk.js";
import type { TenantDeps } from "../../src/domain/deps.js";
import { searchArticles } from "../../src/domain/knowledge.js";
import { createLogger } from "../../src/logger.js";
import { readSettings } from "../../src/tenants/settings.js";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";
import { mutate, ok, rowCounts, rowId, type Gql } from "./front-office-support.js";

describe(`knowledge articles (${ENGINE})`, () => {
  let app: TestApp;
  let gA: Gql;
  let gB: Gql;
  let reader: Gql;
  const select = "id title body tags published";
  const create = (g: Gql, input: Record<string, unknown>) => mutate(g, "createKnowledgeArticle", "CreateKnowledgeArticleInput", input, select);
  const update = (g: Gql, input: Record<string, unknown>) => mutate(g, "updateKnowledgeArticle", "UpdateKnowledgeArticleInput", input, select);
  const remove = (g: Gql, id: string) => mutate(g, "deleteKnowledgeArticle", "DeleteKnowledgeArticleInput", { id }, "id title");
  const titles = async (g: Gql, args: string) =>
    (await g(`{ knowledgeArticles(${args}) { totalCount edges { node { title } } } }`)).data.knowledgeArticles.edges.map((e: any) => e.node.title);

  beforeAll(async () => {
    app = await createTestApp();
    const keyA = await app.apiKey("kb-a", ["FRONT_READ", "FRONT_WRITE"]);
    const keyB = await app.apiKey("kb-b", ["FRONT_READ", "FRONT_WRITE"]);
    const readOnly = await app.apiKey("kb-a", ["FRONT_READ"]);
    gA = (q, v) => app.gql(q, v, app.as(keyA));
    gB = (q, v) => app.gql(q, v, app.as(keyB));
    reader = (q, v) => app.gql(q, v, app.as(readOnly));
  });
  afterAll(() => app?.close());

  it("creates drafts, publishes and unpublishes them, and audits each step", async () => {
    const draft = ok(await create(gA, { title: "Refund policy", body: "Refunds take 5 working days.", tags: ["Billing"] }));
    expect(draft).toMatchObject({ title: "Refund policy", tags: ["billing"], published: false });
    expect(ok(await update(gA, { id: draft.id, published: true })).published).toBe(true);
    const edited = ok(await update(gA, { id: draft.id, body: "Refunds take 3 working days." }));
    expect(edited).toMatchObject({ title: "Refund policy", body: "Refunds take 3 working days.", published: true });
    expect(ok(await update(gA, { id: draft.id, published: false })).published).toBe(false);
    const tenant = await app.services.directory.getTenant("kb-a");
    const audit = await app.services.scopes.forTenant(tenant.id).db.auditEvent.findMany({ where: { entityId: rowId(draft.id) }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(audit.map((a) => a.action)).toEqual(["article.created", "article.published", "article.updated", "article.unpublished"]);
    expect(audit[2]).toMatchObject({ before: { body: "Refunds take 5 working days." }, after: { body: "Refunds take 3 working days." } });
  });

  it("validates titles, bodies and tags, writing nothing", async () => {
    const before = await rowCounts(app, "kb-a");
    for (const [input, field] of [
      [{ title: "", body: "b" }, "title"],
      [{ title: "t".repeat(201), body: "b" }, "title"],
      [{ title: "t", body: " " }, "body"],
      [{ title: "t", body: "b".repeat(50_001) }, "body"],
      [{ title: "t", body: "b", tags: ["not ok"] }, "tags"],
    ] as const) {
      const res = await create(gA, input);
      expect([field, res.__typename, res.field]).toEqual([field, "ValidationError", field]);
    }
    expect(await rowCounts(app, "kb-a")).toEqual(before);
  });

  it("searches every word in title, body or tags, filters by published and tag, and orders", async () => {
    const keyS = await app.apiKey("kb-search", ["FRONT_READ", "FRONT_WRITE"]);
    const gS: Gql = (q, v) => app.gql(q, v, app.as(keyS));
    ok(await create(gS, { title: "Shipping times", body: "Parcels arrive within 3 days in the EU.", tags: ["delivery"], published: true }));
    ok(await create(gS, { title: "Returns", body: "Send parcels back within 30 days.", tags: ["delivery", "refund"], published: true }));
    ok(await create(gS, { title: "Draft: customs", body: "Parcels outside the EU pay customs.", published: false }));
    expect(await titles(gS, `filter: {search: "PARCELS eu"}, orderBy: {field: TITLE, direction: ASC}`)).toEqual(["Draft: customs", "Shipping times"]);
    expect(await titles(gS, `filter: {search: "parcels eu", published: true}`)).toEqual(["Shipping times"]);
    expect(await titles(gS, `filter: {search: "refund"}`)).toEqual(["Returns"]); // a tag
    expect(await titles(gS, `filter: {tag: "delivery"}, orderBy: {field: CREATED_AT, direction: ASC}`)).toEqual(["Shipping times", "Returns"]);
    expect(await titles(gS, `filter: {published: false}`)).toEqual(["Draft: customs"]);
    expect(await titles(gS, `filter: {search: "nothing matches this"}`)).toEqual([]);

    // The front desk's look-up: published articles only.
    const tenant = await app.services.directory.getTenant("kb-search");
    const deps = {
      scope: app.services.scopes.forTenant(tenant.id),
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, settings: readSettings(tenant.settings) },
      actor: SYSTEM_ACTOR,
      events: app.services.events,
      directory: app.services.directory,
    };
    expect((await searchArticles(deps, "parcels")).map((a) => a.title).sort()).toEqual(["Returns", "Shipping times"]);
  });

  it("keeps the keywords and example questions operators give, checks them, and the front desk ranks with them", async () => {
    const keyK = await app.apiKey("kb-keywords", ["FRONT_READ", "FRONT_WRITE"]);
    const gK: Gql = (q, v) => app.gql(q, v, app.as(keyK));
    const withWords = "id keywords examples";
    const pickup = ok(
      await mutate(gK, "createKnowledgeArticle", "CreateKnowledgeArticleInput", { title: "Collecting a parcel from a pickup point", body: "Parcels we could not deliver wait at your nearest pickup point for 7 days. Bring photo ID and the card we left.", published: true }, withWords),
    );
    expect(pickup).toMatchObject({ keywords: [], examples: [] });
    ok(await create(gK, { title: "Delivery times", body: "Standard parcels arrive in 2 to 3 working days; express parcels the next working day if ordered before 2pm.", published: true }));
    ok(await create(gK, { title: "Sending a parcel abroad", body: "Parcels to other countries need a customs form and take 5 to 10 working days.", published: true }));

    const tenant = await app.services.directory.getTenant("kb-keywords");
    const deps: TenantDeps = {
      scope: app.services.scopes.forTenant(tenant.id),
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, settings: readSettings(tenant.settings) },
      actor: SYSTEM_ACTOR,
      events: app.services.events,
      directory: app.services.directory,
    };
    // A desk (and knowledge cache) per look-up: each reads the articles as they are now.
    const answer = async (q: string) =>
      confidentHit(await (await new FrontDesk(deps, { llm: null, offline: new OfflineAssistant() }, createLogger("silent"), { knowledge: new KnowledgeCache() }).articles()).query(q))?.title ?? null;
    const question = "nobody was in when the van came, where has my stuff gone";
    expect(await answer(question)).toBeNull();

    const updated = ok(
      await mutate(
        gK,
        "updateKnowledgeArticle",
        "UpdateKnowledgeArticleInput",
        { id: pickup.id, keywords: [" missed delivery ", "missed delivery", "depot"], examples: ["nobody was home when the driver came, where is my parcel now?"] },
        withWords,
      ),
    );
    expect(updated).toMatchObject({ keywords: ["missed delivery", "depot"], examples: ["nobody was home when the driver came, where is my parcel now?"] });
    expect(await answer(question)).toBe("Collecting a parcel from a pickup point");

    const before = await rowCounts(app, "kb-keywords");
    const tooMany = await mutate(gK, "updateKnowledgeArticle", "UpdateKnowledgeArticleInput", { id: pickup.id, keywords: Array.from({ length: 51 }, (_, i) => `word ${i}`) }, withWords);
    expect([tooMany.__typename, tooMany.field]).toEqual(["ValidationError", "keywords"]);
    const tooLong = await mutate(gK, "createKnowledgeArticle", "CreateKnowledgeArticleInput", { title: "t", body: "b", examples: ["x".repeat(301)] }, withWords);
    expect([tooLong.__typename, tooLong.field]).toEqual(["ValidationError", "examples"]);
    expect(await rowCounts(app, "kb-keywords")).toEqual(before);
  });

  it("deletes an article; a read-only key can search but not write", async () => {
    const a = ok(await create(gA, { title: "Old FAQ", body: "Outdated.", published: true }));
    const denied = await reader(`mutation($i: DeleteKnowledgeArticleInput!) { deleteKnowledgeArticle(input: $i) { __typename } }`, { i: { id: a.id } });
    expect(denied.data.deleteKnowledgeArticle.__typename).toBe("ForbiddenError");
    expect(await titles(reader, `filter: {search: "outdated"}`)).toEqual(["Old FAQ"]);
    expect(ok(await remove(gA, a.id))).toEqual({ id: a.id, title: "Old FAQ" });
    expect(await titles(gA, `filter: {search: "outdated"}`)).toEqual([]);
    expect((await remove(gA, a.id)).__typename).toBe("NotFoundError");
  });

  it("keeps another tenant's articles out of every search, update and delete", async () => {
    const a = ok(await create(gA, { title: "A-only secret recipe", body: "Only for A.", published: true }));
    const before = await rowCounts(app, "kb-a");
    expect(await titles(gB, `filter: {search: "secret recipe"}`)).toEqual([]);
    expect((await gB(`query($id: ID!) { node(id: $id) { id } }`, { id: a.id })).data.node).toBeNull();
    expect((await update(gB, { id: a.id, title: "Stolen", published: false })).__typename).toBe("NotFoundError");
    expect((await remove(gB, a.id)).__typename).toBe("NotFoundError");
    expect(await rowCounts(app, "kb-a")).toEqual(before);
    expect(await titles(gA, `filter: {search: "secret recipe", published: true}`)).toEqual(["A-only secret recipe"]);
  });
});
