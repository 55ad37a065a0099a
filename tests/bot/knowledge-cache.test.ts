// The front desk's knowledge index is built once per tenant and kept (src/bot/knowledge-cache.ts):
// dropped at once when an article changes through Tandem (on the event bus, so in every
// process), and noticed within the check interval when the articles change behind its back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KnowledgeCache } from "../../src/bot/knowledge-cache.js";
import { SYSTEM_ACTOR } from "../../src/domain/actor.js";
import type { TenantDeps } from "../../src/domain/deps.js";
import { createArticle, deleteArticle, updateArticle } from "../../src/domain/knowledge.js";
import { readSettings } from "../../src/tenants/settings.js";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";

describe(`the knowledge index cache (${ENGINE})`, () => {
  let app: TestApp;
  let deps: TenantDeps;
  let now = 1_000_000;
  const cache = new KnowledgeCache(() => now);
  const titles = async () => (await cache.index(deps)).query("opening hours of the shop").map((h) => h.title);

  beforeAll(async () => {
    app = await createTestApp();
    const tenant = await app.services.directory.getTenant((await app.tenant("kb-cache")).id);
    deps = {
      scope: app.services.scopes.forTenant(tenant.id),
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, settings: readSettings(tenant.settings) },
      actor: SYSTEM_ACTOR,
      events: app.services.events,
      directory: app.services.directory,
    };
    cache.follow(app.services.events);
  });
  afterAll(async () => {
    cache.stop();
    await app?.close();
  });

  it("builds a tenant's index once and keeps it while its articles stay the same", async () => {
    await createArticle(deps, { title: "Shop opening hours", body: "Our shop is open from 9 to 5, Monday to Saturday.", published: true });
    const first = await cache.index(deps);
    expect(await cache.index(deps)).toBe(first);
    // Past the check interval, nothing changed: the same index, not rebuilt.
    now += 60_000;
    expect(await cache.index(deps)).toBe(first);
  });

  it("drops the index at once when an article is created, changed or deleted through Tandem", async () => {
    const before = await cache.index(deps);
    const article = await createArticle(deps, { title: "Holiday opening hours", body: "On public holidays the shop opens at 10.", published: true });
    // The event reaches the cache on the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    const after = await cache.index(deps);
    expect(after).not.toBe(before);
    expect(await titles()).toContain("Holiday opening hours");
    await updateArticle(deps, article.id, { published: false });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await titles()).not.toContain("Holiday opening hours");
    await deleteArticle(deps, article.id);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.index(deps)).not.toBe(after);
  });

  it("notices articles changed behind its back (SQL, another bus) within the check interval", async () => {
    const kept = await cache.index(deps);
    await deps.scope.tx((tx) =>
      tx.knowledgeArticle.create({ data: { tenantId: deps.tenant.id, title: "Weekend opening hours", body: "On Sundays the shop is closed.", published: true } }),
    );
    // Within the interval the kept index answers (no statement per turn)…
    expect(await cache.index(deps)).toBe(kept);
    // …after it, the change is seen.
    now += 31_000;
    expect(await cache.index(deps)).not.toBe(kept);
    expect(await titles()).toContain("Weekend opening hours");
  });
});
