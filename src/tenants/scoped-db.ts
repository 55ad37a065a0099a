// Tenant-scoped database access. Every query made through a scope runs in a
// transaction that first switches to the `tandem_app` role (no BYPASSRLS) and
// sets `app.tenant_id`, so row-level security filters it even if the caller
// forgot a condition. This file and the rest of src/tenants/ are the only code
// that holds the root client.
import { Prisma, type PrismaClient } from "../generated/prisma/index.js";
import type { ReadRunner } from "../db/engine.js";
import { COMPILED_OPERATIONS, compileRead } from "../db/sql-reads.js";

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

/**
 * How a transaction is given its role, tenant and statement timeout:
 * - `set_config` (default): one `SELECT set_config(...)` statement, one round trip.
 * - `set_local`: three `SET LOCAL` statements. Same effect on PostgreSQL and PGlite;
 *   it exists for Citus, which forwards `SET LOCAL` (with
 *   `citus.propagate_set_commands = 'local'`) to the workers but not a `set_config()`
 *   call. See docs/scaling.md: this alone does not make Tandem run on Citus.
 */
export type TenantSettingsMode = "set_config" | "set_local";

/** The statements that put a transaction under the app role and the tenant(s); transaction-local, so they end with it. */
function settingsStatements(db: RootDb, mode: TenantSettingsMode, tenantIds: readonly string[], statementTimeoutMs: number) {
  if (mode === "set_config") {
    // One statement, one round trip: role, tenant and the statement timeout are all transaction-local.
    return [
      db.$executeRaw`SELECT set_config('role', ${APP_ROLE}, true), set_config('app.tenant_id', ${tenantIds.join(",")}, true), set_config('statement_timeout', ${String(statementTimeoutMs)}, true)`,
    ];
  }
  // SET takes no bind parameters. The values are safe to inline: tenant ids are checked
  // against ID_LIST before a scope exists, the role is a constant and the timeout an integer.
  checkTenantIds(tenantIds);
  const timeout = Math.trunc(statementTimeoutMs);
  return [
    db.$executeRawUnsafe(`SET LOCAL ROLE ${APP_ROLE}`),
    db.$executeRawUnsafe(`SET LOCAL app.tenant_id = '${tenantIds.join(",")}'`),
    db.$executeRawUnsafe(`SET LOCAL statement_timeout = ${timeout}`),
  ];
}

/**
 * The same settings as one text without parameters, for compiled reads that send them
 * with BEGIN in one round trip. Inlining is safe: tenant ids match ID_LIST (checked
 * before a scope exists), the role is a constant and the timeout an integer.
 */
function settingsText(mode: TenantSettingsMode, tenantIds: readonly string[], statementTimeoutMs: number): string {
  checkTenantIds(tenantIds);
  const ids = tenantIds.join(",");
  const timeout = Math.trunc(statementTimeoutMs);
  return mode === "set_config"
    ? `SELECT set_config('role', '${APP_ROLE}', true), set_config('app.tenant_id', '${ids}', true), set_config('statement_timeout', '${timeout}', true)`
    : `SET LOCAL ROLE ${APP_ROLE}; SET LOCAL app.tenant_id = '${ids}'; SET LOCAL statement_timeout = ${timeout}`;
}

/** Models with a tenantId column (the tenant-owned tables). */
const TENANT_MODELS = new Set(Prisma.dmmf.datamodel.models.filter((m) => m.fields.some((f) => f.name === "tenantId")).map((m) => m.name));
/** Operations whose `where` may take any filter. */
const FILTERED_OPERATIONS = new Set(["findMany", "findFirst", "findFirstOrThrow", "count", "aggregate", "groupBy", "updateMany", "deleteMany"]);

/**
 * The scope's tenants as an explicit condition as well. Row-level security already
 * filters the rows, but through a function of a setting the planner cannot use to order
 * by an index: a tenant's newest tickets were read by sorting all of its tickets; with
 * `"tenantId" = $1` they come straight from the (tenantId, createdAt) index.
 */
function withTenants(model: string | undefined, operation: string, args: unknown, tenantIds: readonly string[]): unknown {
  if (!model || !TENANT_MODELS.has(model) || !FILTERED_OPERATIONS.has(operation)) return args;
  const tenant = tenantIds.length === 1 ? { tenantId: tenantIds[0] } : { tenantId: { in: [...tenantIds] } };
  const a = (args ?? {}) as { where?: object };
  return { ...a, where: a.where ? { AND: [a.where, tenant] } : tenant };
}

function extendScoped(root: RootDb, mode: TenantSettingsMode, tenantIds: readonly string[], statementTimeoutMs: number) {
  return root.$extends({
    name: "tenant-scope",
    query: {
      // Every operation, raw SQL included: nothing reaches the database through a scope without the tenant set.
      async $allOperations({ model, operation, args, query }) {
        const scoped = withTenants(model, operation, args, tenantIds) as typeof args;
        const results = await root.$transaction([...settingsStatements(root, mode, tenantIds, statementTimeoutMs), query(scoped)]);
        return results[results.length - 1];
      },
    },
  });
}

type RunRead = (sql: string, params: unknown[]) => Promise<{ j: unknown }[]>;

/**
 * A client whose model reads are answered by the read compiler before Prisma's query
 * machinery runs (which costs more than the compiled statement itself); what the compiler
 * does not understand goes to the client's own method, as before. `run` sends the
 * statement: through the read runner for the scoped client, or through the transaction's
 * raw query inside a transaction (still about a third of a model query's CPU).
 */
function withCompiledReads<C extends object>(client: C, tenantIds: readonly string[], run: RunRead): C {
  const delegates = new Map<string, unknown>();
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== "string" || !value || typeof value !== "object" || !("findMany" in value)) return value;
      let delegate = delegates.get(prop);
      if (!delegate) {
        const model = prop.charAt(0).toUpperCase() + prop.slice(1);
        delegate = new Proxy(value as object, {
          get(d, operation, r) {
            const fn = Reflect.get(d, operation, r) as unknown;
            if (typeof operation !== "string" || !COMPILED_OPERATIONS.has(operation) || typeof fn !== "function") return fn;
            return (args?: unknown) => {
              const read = compileRead(model, operation, withTenants(model, operation, args, tenantIds));
              if (!read) return (fn as (a?: unknown) => unknown).call(d, args);
              return run(read.sql, read.params).then((rows) => read.decode(rows));
            };
          },
        });
        delegates.set(prop, delegate);
      }
      return delegate;
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
  private readonly reads: ReadRunner | null;
  readonly mode: TenantSettingsMode;
  constructor(
    private readonly root: RootDb,
    options: { statementTimeoutMs?: number; maxCached?: number; mode?: TenantSettingsMode; reads?: ReadRunner | null } = {},
  ) {
    this.statementTimeoutMs = options.statementTimeoutMs ?? 5_000;
    this.maxCached = options.maxCached ?? 2_000;
    this.mode = options.mode ?? "set_config";
    this.reads = options.reads ?? null;
  }

  /**
   * A read of global tables (memberships, operators) through the read compiler when it
   * understands it, else through Prisma's `fallback`. Only src/tenants/ reads them.
   */
  async readGlobal<T>(model: string, operation: "findMany" | "findFirst" | "findUnique", args: object, fallback: () => Promise<T>): Promise<T> {
    const read = this.reads && compileRead(model, operation, args);
    return read ? (read.decode(await this.reads!.readGlobal(read.sql, read.params)) as T) : fallback();
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

  /**
   * Inside a transaction of the root client (src/tenants/ only): runs `fn` as the app
   * role with the tenant set, then hands the transaction back to the root role. Global
   * rows and the tenant's rows they go with (e.g. a membership and its audit event)
   * are then written in ONE transaction: both or neither. If `fn` fails, the
   * transaction is failed anyway, so nothing is switched back.
   */
  async within<T>(rootTx: TenantTx, tenantId: string, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
    checkTenantIds([tenantId]);
    for (const statement of settingsStatements(rootTx as unknown as RootDb, this.mode, [tenantId], this.statementTimeoutMs)) await statement;
    const result = await fn(rootTx);
    // `none` is the session user again; no tenant is left set for the root's statements.
    await rootTx.$executeRaw`SELECT set_config('role', 'none', true), set_config('app.tenant_id', '', true)`;
    return result;
  }

  private create(tenantIds: readonly string[]): TenantScope {
    const { root, statementTimeoutMs, mode, reads } = this;
    const settings = settingsText(mode, tenantIds, statementTimeoutMs);
    // Statements inside a transaction name the tenant(s) too, so they use the tenant's indexes.
    const txRoot = root.$extends({
      name: "tenant-conditions",
      query: {
        $allOperations: ({ model, operation, args, query }) => query(withTenants(model, operation, args, tenantIds) as typeof args),
      },
    });
    return {
      tenantIds,
      // Reads the compiler understands skip Prisma: one statement, same tenant settings and transaction rules.
      db: reads ? withCompiledReads(extendScoped(root, mode, tenantIds, statementTimeoutMs), tenantIds, (sql, params) => reads.read(settings, sql, params)) : extendScoped(root, mode, tenantIds, statementTimeoutMs),
      tx(fn, options) {
        return txRoot.$transaction(
          async (tx) => {
            for (const statement of settingsStatements(tx as unknown as RootDb, mode, tenantIds, statementTimeoutMs)) await statement;
            return fn(withCompiledReads(tx as unknown as TenantTx, tenantIds, (sql, params) => (tx as unknown as TenantTx).$queryRawUnsafe<{ j: unknown }[]>(sql, ...params)));
          },
          { timeout: options?.timeoutMs ?? 10_000, maxWait: 10_000 },
        );
      },
    };
  }
}
