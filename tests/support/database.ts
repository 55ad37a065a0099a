// Test databases. By default each test file gets a fresh in-memory PGlite; with
// TEST_DATABASE=postgres it gets a fresh database on the PostgreSQL server
// (PG_TEST_URL, default postgresql://postgres@127.0.0.1:5432/test), dropped afterwards.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database, type DatabaseTarget } from "../../src/db/engine.js";
import { migrate } from "../../src/db/migrator.js";

export const ENGINE = process.env.TEST_DATABASE === "postgres" ? "postgres" : "pglite";
const ADMIN_URL = process.env.PG_TEST_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  target: DatabaseTarget;
  /** Drops the database (PostgreSQL); nothing to do for in-memory PGlite. */
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `TEST_DATABASE=postgres but the PostgreSQL server at ${ADMIN_URL} is not reachable (${(err as Error).message}). ` +
        "Start it, or set PG_TEST_URL.",
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new, empty database target (not yet migrated). */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (ENGINE === "pglite") return { target: { kind: "pglite", dataDir: "memory://" }, drop: async () => undefined };
  const name = `tandem_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    target: { kind: "postgres", url: url.toString() },
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** A new database, migrated and open. */
export async function openTestDatabase(): Promise<{ database: Database; drop(): Promise<void> }> {
  const test = await createTestDatabase();
  const database = await openDatabase(test.target);
  await migrate(database.sql);
  return {
    database,
    async drop() {
      await database.close();
      await test.drop();
    },
  };
}
