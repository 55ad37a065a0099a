// Tenant-scoped database access. Every query made through a scope runs in a
// transaction that first switches to the `tandem_app` role (no BYPASSRLS) and
// sets `app.tenant_id`, so row-level security filters it even if the caller
// forgot a condition. This file and the rest of src/tenants/ are the only code
// that holds the root client.
import { Prisma, type PrismaClient } from "../generated/prisma/index.js";

export const APP_ROLE = "tandem_app";

export type RootDb = PrismaClient;

/** A client bound to one interactive transaction that already carries the tenant setting. */
export type TenantTx = Prisma.TransactionClient;

export interface TenantScope {
  /** The tenant(s) this scope may see: one, or several for the operator queue. */
  readonly tenantIds: readonly string[];
  /** Single statements, each in its own short transaction with the tenant set. Pothos uses this. */
  readonly db: ScopedClient;
  /** Several statements that must succeed or fail together. */
  tx<T>(fn: (tx: TenantTx) => Promise<T>, options?: { timeoutMs?: number }): Promise<T>;
}

export type ScopedClient = ReturnType<typeof extendScoped>;

export class MissingTenantError extends Error {
  override name = "MissingTenantError";
  constructor() {
    super("A tenant-scoped query was attempted without a tenant.");
  }
}

function settingsStatement(root: RootDb, tenantIds: readonly string[], statementTimeoutMs: number) {
  // One statement, one round trip: role, tenant and the statement timeout are all transaction-local.
  return root.$executeRaw`SELECT set_config('role', ${APP_ROLE}, true), set_config('app.tenant_id', ${tenantIds.join(",")}, true), set_config('statement_timeout', ${String(statementTimeoutMs)}, true)`;
}

function extendScoped(root: RootDb, tenantIds: readonly string[], statementTimeoutMs = 5_000) {
  return root.$extends({
    name: "tenant-scope",
    query: {
      // Every operation, raw SQL included: nothing reaches the database through a scope without the tenant set.
      async $allOperations({ args, query }) {
        const [, result] = await root.$transaction([settingsStatement(root, tenantIds, statementTimeoutMs), query(args)]);
        return result;
      },
    },
  });
}

const ID_LIST = /^[A-Za-z0-9_-]+$/;

function checkTenantIds(tenantIds: readonly string[]): void {
  // Fail closed: no tenant means no scope, never "all tenants".
  if (tenantIds.length === 0) throw new MissingTenantError();
  for (const id of tenantIds) {
    if (!ID_LIST.test(id)) throw new Error(`Invalid tenant id ${JSON.stringify(id)}`);
  }
}

/**
 * Hands out scopes. Scoped clients are cached per tenant set: creating a Prisma
 * extension per request would cost more than the query it wraps.
 */
export class TenantScopes {
  private readonly cache = new Map<string, TenantScope>();
  private readonly statementTimeoutMs: number;
  private readonly maxCached: number;
  constructor(
    private readonly root: RootDb,
    options: { statementTimeoutMs?: number; maxCached?: number } = {},
  ) {
    this.statementTimeoutMs = options.statementTimeoutMs ?? 5_000;
    this.maxCached = options.maxCached ?? 2_000;
  }

  forTenant(tenantId: string): TenantScope {
    return this.forTenants([tenantId]);
  }

  /** Several tenants at once: only for membership-checked cross-tenant reads (the operator queue). */
  forTenants(tenantIds: readonly string[]): TenantScope {
    checkTenantIds(tenantIds);
    const key = [...tenantIds].sort().join(",");
    const cached = this.cache.get(key);
    if (cached) return cached;
    const scope = this.create(key.split(","));
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, scope);
    return scope;
  }

  private create(tenantIds: readonly string[]): TenantScope {
    const { root, statementTimeoutMs } = this;
    return {
      tenantIds,
      db: extendScoped(root, tenantIds, statementTimeoutMs),
      tx(fn, options) {
        return root.$transaction(
          async (tx) => {
            await settingsStatement(tx as unknown as RootDb, tenantIds, statementTimeoutMs);
            return fn(tx);
          },
          { timeout: options?.timeoutMs ?? 10_000, maxWait: 10_000 },
        );
      },
    };
  }
}
