// Opens the one database Tandem runs on: PGlite in a folder by default, a
// PostgreSQL server when DATABASE_URL is set. Both get the same migrations and
// the same Prisma client; `sql` is a plain runner for the migrator and health checks.
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/index.js";
import type { Config } from "../config.js";

export interface SqlRunner {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Runs `fn` on one connection for its whole duration (advisory locks are per session). */
  session<T>(fn: (s: SqlRunner) => Promise<T>): Promise<T>;
}

export interface Database {
  kind: "pglite" | "postgres";
  prisma: PrismaClient;
  sql: SqlRunner;
  close(): Promise<void>;
}

export type DatabaseTarget = Config["database"];

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === "postgres" ? openPostgres(target.url) : openPglite(target.dataDir);
}

async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const lite = await PGlite.create({ dataDir });
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
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(lite) as never });
  return {
    kind: "pglite",
    prisma,
    sql,
    async close() {
      await prisma.$disconnect();
      await lite.close();
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 });
  // An idle connection dropped by the server must not crash the process.
  pool.on("error", () => undefined);
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
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, connectionTimeoutMillis: 5_000 }),
  });
  return {
    kind: "postgres",
    prisma,
    sql: runner(pool),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
