// Opens the one database Tandem runs on: PGlite in a folder by default, a
// PostgreSQL server when DATABASE_URL is set. Both get the same migrations and
// the same Prisma client; `sql` is a plain runner for the migrator and health checks.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { pgliteAdapter } from "./pglite-adapter.js";
import { restorePgliteTemplate } from "./pglite-template.js";
import { PrismaClient } from "../generated/prisma/index.js";
import type { Config } from "../config.js";

export interface SqlRunner {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Runs `fn` on one connection for its whole duration (advisory locks are per session). */
  session<T>(fn: (s: SqlRunner) => Promise<T>): Promise<T>;
}

/**
 * Runs one read statement in its own transaction after `settings` (statements without
 * parameters that put the transaction under the app role and the tenant), in as few
 * round trips as the engine allows. Used by tenant scopes for compiled reads.
 */
export interface ReadRunner {
  read(settings: string, sql: string, params: unknown[]): Promise<{ j: unknown }[]>;
  /** One statement on its own, as the connecting role (global tables only: tenant tables need `read`). */
  readGlobal(sql: string, params: unknown[]): Promise<{ j: unknown }[]>;
}

export interface DatabaseStats {
  /** SQL statements sent by the application (transaction control included), since start. */
  statements: number;
}

export interface Database {
  kind: "pglite" | "postgres";
  stats: DatabaseStats;
  prisma: PrismaClient;
  sql: SqlRunner;
  reads: ReadRunner;
  close(): Promise<void>;
}

export type DatabaseTarget = Config["database"];

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === "postgres" ? openPostgres(target.url, target.statementTimeoutMs) : openPglite(target.dataDir);
}

export class DatabaseBusyError extends Error {
  override name = "DatabaseBusyError";
}

/**
 * PGlite is one process's database: a second process on the same folder would
 * corrupt it. A lock file with the owner's pid turns that into a clear error.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, "tandem.lock");
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      return () => rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(readFileSync(lockFile, "utf8"));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new DatabaseBusyError(
          `The embedded database in ${dataDir} is in use by another Tandem process (pid ${pid}). ` +
            "Stop it first, or use the GraphQL API while it runs.",
        );
      }
      rmSync(lockFile, { force: true }); // left by a process that is gone
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite's shared buffers live inside its WebAssembly memory, and PostgreSQL touches all of
 * them when it starts: initdb's 128 MB is 128 MB of resident memory from the first second.
 * PGlite reads the data files through Node (the OS page cache keeps them too), so a miss
 * costs a read call, not a disk access. 32 MB holds the hot pages of the benchmark's
 * embedded dataset: peak RSS under the benchmark went from 470–500 to 320–370 MB at the
 * same CPU per request; 16 MB cost CPU (scenario 1: 23 → 28 ms a request).
 */
const PGLITE_SETTINGS = ["-c", "shared_buffers=32MB"];

async function openPglite(dataDir: string): Promise<Database> {
  const inMemory = dataDir.startsWith("memory://");
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const unlock = inMemory ? () => undefined : lockDataDir(dataDir);
  let lite: PGlite;
  try {
    // A new database starts as a copy of an initialised one instead of running initdb.
    if (!inMemory) restorePgliteTemplate(dataDir);
    lite = await PGlite.create({ dataDir, startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS] });
  } catch (err) {
    unlock();
    throw err;
  }
  const sql: SqlRunner = {
    async exec(text) {
      await lite.exec(text);
    },
    async query<R>(text: string, params: unknown[] = []) {
      return (await lite.query<R>(text, params)).rows;
    },
    // PGlite has a single session: every caller already shares it.
    session: (fn) => fn(sql),
  };
  const stats: DatabaseStats = { statements: 0 };
  const prisma = new PrismaClient({ adapter: pgliteAdapter(lite, () => stats.statements++) as never });
  const reads: ReadRunner = {
    // PGlite's transaction() holds its one session for the whole transaction, as Prisma's adapter does.
    read: (settings, text, params) =>
      lite.transaction(async (tx) => {
        stats.statements += 4; // BEGIN, the settings, the read, COMMIT
        await tx.exec(settings);
        return (await tx.query<{ j: unknown }>(text, params)).rows;
      }),
    async readGlobal(text, params) {
      stats.statements++;
      return (await lite.query<{ j: unknown }>(text, params)).rows;
    },
  };
  return {
    kind: "pglite",
    stats,
    prisma,
    sql,
    reads,
    async close() {
      await prisma.$disconnect();
      await lite.close();
      unlock();
    },
  };
}

/**
 * `$1`, `$2`… replaced by SQL literals, quoted by the driver's own escaping. The read
 * compiler emits placeholders only where a value goes (never inside quotes or names).
 */
function inlineParams(text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_m, n: string) => {
    const v = params[Number(n) - 1];
    if (v === null) return "NULL";
    if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
    if (typeof v === "number" && Number.isFinite(v)) return String(v);
    if (typeof v === "string") {
      if (v.includes("\0")) throw new Error("A string with a NUL character cannot be sent to PostgreSQL.");
      return pg.escapeLiteral(v);
    }
    throw new Error(`Cannot inline a ${typeof v} into SQL`);
  });
}

/** A failure of the connection itself (not of a statement): the pool must not reuse it. */
function isConnectionError(err: unknown): boolean {
  return !(err as { code?: unknown })?.code || !/^[0-9A-Z]{5}$/.test(String((err as { code: unknown }).code));
}

/**
 * A connection the server drops must not crash the process. The pool listens on its idle
 * connections only; a checked-out one whose socket fails (ECONNRESET, terminated backend)
 * emits "error" as well as failing its query, and with no listener that is an uncaught
 * exception. Its query's failure reaches the caller; the pool drops it on release.
 */
function survivesDroppedConnections(pool: pg.Pool): void {
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
}

async function openPostgres(url: string, statementTimeoutMs?: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 });
  survivesDroppedConnections(pool);
  const runner = (q: pg.Pool | pg.PoolClient): SqlRunner => ({
    async exec(text) {
      await q.query(text);
    },
    async query<R>(text: string, params: unknown[] = []) {
      return (await q.query(text, params)).rows as R[];
    },
    async session(fn) {
      if (q !== pool) return fn(runner(q));
      const client = await pool.connect();
      try {
        return await fn(runner(client));
      } finally {
        client.release();
      }
    },
  });
  const stats: DatabaseStats = { statements: 0 };
  const prismaPool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5_000,
    // Every statement the application sends is bounded, the ones outside a tenant scope
    // (credentials, directory, bots) too: a stuck query fails instead of holding a connection.
    ...(statementTimeoutMs ? { options: `-c statement_timeout=${Math.trunc(statementTimeoutMs)}` } : {}),
  });
  survivesDroppedConnections(prismaPool);
  prismaPool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      stats.statements++;
      return query(...args);
    };
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(prismaPool) });
  const reads: ReadRunner = {
    async read(settings, text, params) {
      // One round trip: BEGIN, the settings, the read with its values inlined, COMMIT in a
      // single simple-protocol message (which cannot carry bind parameters).
      const statements = `BEGIN; ${settings}; ${inlineParams(text, params)}; COMMIT`;
      const client = await prismaPool.connect();
      let broken: Error | undefined;
      try {
        stats.statements += 3; // counted once by the pool's wrapper: BEGIN, settings, read, COMMIT
        const results = (await client.query(statements)) as unknown as pg.QueryResult<{ j: unknown }>[];
        return results[results.length - 2]!.rows;
      } catch (err) {
        // The failed statement left the transaction aborted (or the connection is gone).
        if (isConnectionError(err)) broken = err as Error;
        else await client.query("ROLLBACK").catch((e: Error) => (broken = e));
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async readGlobal(text, params) {
      return (await prismaPool.query<{ j: unknown }>(text, params)).rows;
    },
  };
  return {
    kind: "postgres",
    stats,
    prisma,
    sql: runner(pool),
    reads,
    async close() {
      await prisma.$disconnect();
      await prismaPool.end().catch(() => undefined);
      await pool.end();
    },
  };
}
