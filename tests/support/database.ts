// Test databases. By default each test file gets a fresh in-memory PGlite; with
// TEST_DATABASE=postgres it gets a fresh database on the PostgreSQL server
// (PG_TEST_URL, default postgresql://postgres@127.0.0.1:5432/test), dropped afterwards.
//
// On PostgreSQL the app connects the way production does: not as the superuser in
// PG_TEST_URL, but as a fresh login role that is NOSUPERUSER NOBYPASSRLS, owns the
// test database (so it migrates it and owns its tables) and is a member of
// `tandem_app` — exactly the privileges README asks of the connecting user. Anything
// that only worked because a superuser bypasses row-level security fails here.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database, type DatabaseTarget } from "../../src/db/engine.js";
import { migrate } from "../../src/db/migrator.js";
import { APP_ROLE } from "../../src/tenants/scoped-db.js";

export const ENGINE = process.env.TEST_DATABASE === "postgres" ? "postgres" : "pglite";
/** A superuser (or a role with CREATEROLE and CREATEDB): creates and drops the test roles and databases. */
export const ADMIN_URL = process.env.PG_TEST_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  target: DatabaseTarget;
  /** PostgreSQL: the database's name and the (non-superuser) role the app connects as. */
  name?: string;
  role?: string;
  /** Drops the database and its role (PostgreSQL); nothing to do for in-memory PGlite. */
  drop(): Promise<void>;
}

/** Runs statements as the administrator of PG_TEST_URL. */
export async function adminQuery<R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
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
    return (await client.query(sql, params)).rows as R[];
  } finally {
    await client.end();
  }
}

/**
 * `tandem_app` is one role for the whole server. The first migration creates it when
 * the connecting user may (CREATEROLE); here it usually exists already (another test
 * database made it), so the administrator makes sure of it and grants it, as a DBA
 * would for a production user without CREATEROLE.
 */
async function ensureAppRole(): Promise<void> {
  await adminQuery(`DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
    CREATE ROLE ${APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$`);
}

/** A new, empty database target (not yet migrated), owned by a new non-superuser role. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (ENGINE === "pglite") return { target: { kind: "pglite", dataDir: "memory://" }, drop: async () => undefined };
  const name = `tandem_test_${randomBytes(6).toString("hex")}`;
  const role = name; // one role per database: parallel test files never share an owner
  const password = randomBytes(18).toString("hex");
  await ensureAppRole();
  await adminQuery(
    `CREATE ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '${password}'`,
  );
  await adminQuery(`GRANT ${APP_ROLE} TO ${role}`);
  await adminQuery(`CREATE DATABASE ${name} OWNER ${role}`);
  // PostgreSQL 15+ no longer lets everyone create in `public`; the database owner may (pg_database_owner owns it).
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  url.username = role;
  url.password = password;
  let dropped = false;
  return {
    target: { kind: "postgres", url: url.toString() },
    name,
    role,
    async drop() {
      if (dropped) return;
      dropped = true;
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      // The role owns nothing else; its membership in tandem_app goes with it.
      await adminQuery(`DROP ROLE IF EXISTS ${role}`);
    },
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

/**
 * Runs one statement as the connecting role (the tables' owner), with `app.tenant_id`
 * set, in a transaction that is rolled back. Tenant-owned tables FORCE row-level
 * security, so the owner sees a tenant's rows only with that tenant set (as a
 * superuser it would see them anyway): this is how a test reaches rows "as the owner".
 */
export async function ownerQuery<R = Record<string, unknown>>(database: Database, tenantId: string, sql: string, params: unknown[] = []): Promise<R[]> {
  return database.sql.session(async (s) => {
    await s.exec("BEGIN");
    try {
      await s.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
      return await s.query<R>(sql, params);
    } finally {
      await s.exec("ROLLBACK");
    }
  });
}
