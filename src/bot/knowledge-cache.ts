// Each tenant's knowledge index, built once and kept: building it reads every published
// article and indexes it, far more work than a turn's own. It is dropped at once when an
// article is created, changed or deleted through Tandem (any process, on the event bus),
// and every CHECK_MS the published articles' ids and update times (not their text) are
// compared with the index's, which catches writes that bypassed the event (the demo
// seed, SQL by hand, a process on another bus).
import type { TenantDeps } from "../domain/deps.js";
import type { EventBus } from "../domain/events.js";
import { ArticleIndex, articlesVersion } from "./assistant/article-index.js";

const CHECK_MS = 30_000;

interface Entry {
  index: ArticleIndex;
  /** Ids and update times of the published articles the index was built from. */
  version: string;
  checkedAt: number;
}

export class KnowledgeCache {
  private readonly entries = new Map<string, Entry>();
  private stopFollowing: (() => void) | null = null;

  constructor(private readonly clock: () => number = Date.now) {}

  /** Drops a tenant's index when any process says its articles changed. */
  follow(events: EventBus): void {
    const changes = events.subscribe("knowledge-changed");
    void (async () => {
      for await (const change of changes) this.forget(change.tenantId);
    })();
    this.stopFollowing = () => void changes.return?.(undefined);
  }

  stop(): void {
    this.stopFollowing?.();
  }

  forget(tenantId: string): void {
    this.entries.delete(tenantId);
  }

  /** The tenant's index of published articles, read through `deps` (the caller's scope, or its turn's transaction). */
  async index(deps: TenantDeps): Promise<ArticleIndex> {
    const tenantId = deps.tenant.id;
    const entry = this.entries.get(tenantId);
    if (entry && this.clock() - entry.checkedAt < CHECK_MS) return entry.index;
    if (entry) {
      const version = await this.version(deps);
      if (version === entry.version && this.entries.get(tenantId) === entry) {
        entry.checkedAt = this.clock();
        return entry.index;
      }
    }
    // Not shared with turns asking meanwhile: each reads through its own transaction.
    return this.build(deps);
  }

  private async build(deps: TenantDeps): Promise<ArticleIndex> {
    const checkedAt = this.clock();
    const rows = await deps.scope.db.knowledgeArticle.findMany({
      where: { published: true },
      select: { id: true, title: true, body: true, tags: true, keywords: true, examples: true, updatedAt: true },
    });
    const index = new ArticleIndex(rows);
    this.entries.set(deps.tenant.id, { index, version: articlesVersion(rows), checkedAt });
    return index;
  }

  private async version(deps: TenantDeps): Promise<string> {
    return articlesVersion(await deps.scope.db.knowledgeArticle.findMany({ where: { published: true }, select: { id: true, updatedAt: true } }));
  }
}
