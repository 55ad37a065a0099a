// Benchmark datasets: a dedicated database per size (PostgreSQL) or a data folder
// (PGlite), migrated with Tandem's own migrator, with tenants, the queue operator
// and API keys created through Tandem's own directory, and the bulk generated in
// SQL (seed-sql.ts). A marker row remembers what was seeded, so a rerun reuses it.
import { rmSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { openDatabase, type Database, type SqlRunner } from "../../src/db/engine.js";
import { migrate } from "../../src/db/migrator.js";
import { SYSTEM_ACTOR } from "../../src/domain/actor.js";
import { Directory } from "../../src/tenants/directory.js";
import { TenantScopes } from "../../src/tenants/scoped-db.js";
import { randomToken } from "../../src/tenants/secrets.js";
import { BENCH_DIR, log } from "./util.js";
import { seedStatements, type SeedShape } from "./seed-sql.js";

/** Bump when the generated data changes shape: datasets with another version are re-seeded. */
const SEED_VERSION = 3;

export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface DatasetSpec {
  /** Database name (PostgreSQL) or folder name under bench/.data (PGlite). */
  name: string;
  engine: "postgres" | "pglite";
  tenants: number;
  shape: SeedShape;
  /** Members per tenant (admin, agents, back office, auditor) drawn from a shared pool of operators. */
  membersPerTenant: number;
  /** The queue operator is an AGENT in this many tenants. */
  queueTenants: number;
}

export interface BenchTenant {
  id: string;
  slug: string;
  apiKey: string;
}

export interface Dataset {
  spec: DatasetSpec;
  /** Environment that points a Tandem process at this dataset. */
  env: Record<string, string>;
  /** PostgreSQL only: connection URL (superuser) for the peer and for fixtures. */
  url?: string;
  /** The tenant that scenarios 1–4 run as. */
  tenant: BenchTenant;
  apiKeys: BenchTenant[];
  operator: { email: string; password: string; tenants: number };
  counts: { tenants: number; tickets: number; messages: number; contacts: number };
  /** Ticket ids of `tenant`, for node(id). */
  ticketIds: string[];
  /** Contact ids of the second tenant, which createTicket writes to. */
  writeContactIds: string[];
  reused: boolean;
  seedSeconds: number;
}

interface Marker {
  version: number;
  spec: DatasetSpec;
  apiKeys: BenchTenant[];
  operator: { email: string; password: string };
  counts: Dataset["counts"];
  seedSeconds: number;
}

export const DATASETS = {
  /** The main PostgreSQL dataset: 50 tenants × 2,000 tickets × 5 messages. */
  postgres: pgSpec("tandem_bench", 50),
  /** Scale run: the same tenant size with 5 and with 250 tenants. */
  scale10k: pgSpec("tandem_bench_10k", 5),
  scale500k: pgSpec("tandem_bench_500k", 250),
  /** The embedded engine is one process's database: smaller. */
  pglite: {
    name: "pglite-10x500",
    engine: "pglite",
    tenants: 10,
    shape: { contactsPerTenant: 200, ticketsPerTenant: 500, messagesPerTicket: 5, backOfficePerTenant: 50, articlesPerTenant: 20 },
    membersPerTenant: 6,
    queueTenants: 10,
  },
} satisfies Record<string, DatasetSpec>;

function pgSpec(name: string, tenants: number): DatasetSpec {
  return {
    name,
    engine: "postgres",
    tenants,
    shape: { contactsPerTenant: 500, ticketsPerTenant: 2_000, messagesPerTicket: 5, backOfficePerTenant: 100, articlesPerTenant: 20 },
    membersPerTenant: 6,
    queueTenants: 10,
  };
}

export function pgUrl(database: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

function pgliteDataDir(spec: DatasetSpec): string {
  return path.join(BENCH_DIR, ".data", spec.name);
}

/** Opens the dataset, seeding it first unless a matching one is already there. */
export async function ensureDataset(spec: DatasetSpec, options: { reseed?: boolean } = {}): Promise<Dataset> {
  let target = await prepareTarget(spec, options.reseed ?? false);
  let database = await openDatabase(target.target);
  await migrate(database.sql);
  let marker = target.fresh ? null : await readMarker(database.sql, spec);
  if (!marker && !target.fresh && (await database.sql.query(`SELECT 1 FROM "Tenant" LIMIT 1`)).length > 0) {
    // An interrupted seed or another seed version (PGlite; PostgreSQL databases were already dropped).
    log(`${spec.name} holds data without a matching marker: seeding it again`);
    await database.close();
    target = await prepareTarget(spec, true);
    database = await openDatabase(target.target);
    await migrate(database.sql);
  }
  try {
    const reused = marker !== null;
    if (!marker) {
      log(`seeding ${spec.name} (${spec.tenants} tenants × ${spec.shape.ticketsPerTenant} tickets × ${spec.shape.messagesPerTicket} messages) …`);
      marker = await seed(database, spec);
    } else {
      log(`reusing ${spec.name} (seeded in ${marker.seedSeconds.toFixed(0)} s)`);
      await restore(database.sql);
    }
    const tenant = marker.apiKeys[0]!;
    const ticketIds = await ids(database.sql, `SELECT id FROM "Ticket" WHERE "tenantId" = $1 AND number % 7 = 0 ORDER BY number LIMIT 250`, tenant.id);
    const writer = marker.apiKeys[1] ?? tenant;
    const writeContactIds = await ids(database.sql, `SELECT id FROM "Contact" WHERE "tenantId" = $1 ORDER BY id LIMIT 100`, writer.id);
    return {
      spec,
      env: target.env,
      url: target.url,
      tenant,
      apiKeys: marker.apiKeys,
      operator: { ...marker.operator, tenants: Math.min(spec.queueTenants, spec.tenants) },
      counts: marker.counts,
      ticketIds,
      writeContactIds,
      reused,
      seedSeconds: marker.seedSeconds,
    };
  } finally {
    await database.close();
  }
}

/**
 * Opens a dataset's database in this process, e.g. to prepare fixtures before a
 * Tandem process starts (PGlite: only while no Tandem process has the folder open).
 */
export function openDataset(ds: Dataset): Promise<Database> {
  return openDatabase(
    ds.env.DATABASE_URL ? { kind: "postgres", url: ds.env.DATABASE_URL } : { kind: "pglite", dataDir: path.join(ds.env.DATA_DIR!, "pglite") },
  );
}

async function ids(sql: SqlRunner, text: string, tenantId: string): Promise<string[]> {
  return (await sql.query<{ id: string }>(text, [tenantId])).map((r) => r.id);
}

interface PreparedTarget {
  target: Parameters<typeof openDatabase>[0];
  env: Record<string, string>;
  url?: string;
  /** Nothing there yet: no marker to look for. */
  fresh: boolean;
}

async function prepareTarget(spec: DatasetSpec, reseed: boolean): Promise<PreparedTarget> {
  if (spec.engine === "pglite") {
    const dataDir = pgliteDataDir(spec);
    if (reseed) rmSync(dataDir, { recursive: true, force: true });
    // Tandem keeps its PGlite data in DATA_DIR/pglite.
    return { target: { kind: "pglite", dataDir: path.join(dataDir, "pglite") }, env: { DATA_DIR: dataDir }, fresh: reseed };
  }
  if (!/^tandem_bench[a-z0-9_]*$/.test(spec.name)) throw new Error(`Refusing to manage database ${spec.name}: not a tandem_bench* name`);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [spec.name])).rowCount === 1;
    if (exists && !reseed && (await hasMarker(spec))) {
      return { target: { kind: "postgres", url: pgUrl(spec.name) }, env: { DATABASE_URL: pgUrl(spec.name) }, url: pgUrl(spec.name), fresh: false };
    }
    await admin.query(`DROP DATABASE IF EXISTS ${spec.name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${spec.name}`);
  } finally {
    await admin.end();
  }
  return { target: { kind: "postgres", url: pgUrl(spec.name) }, env: { DATABASE_URL: pgUrl(spec.name) }, url: pgUrl(spec.name), fresh: true };
}

/** A database without a matching marker (an interrupted seed, an older version) is dropped and seeded again. */
async function hasMarker(spec: DatasetSpec): Promise<boolean> {
  const client = new pg.Client({ connectionString: pgUrl(spec.name), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const rows = (await client.query(`SELECT marker FROM bench.dataset WHERE name = $1`, [spec.name]).catch(() => ({ rows: [] }))).rows;
    return rows.length === 1 && matches(rows[0].marker as Marker, spec);
  } finally {
    await client.end();
  }
}

function matches(marker: Marker, spec: DatasetSpec): boolean {
  return marker.version === SEED_VERSION && canonical(marker.spec) === canonical(spec);
}

/** jsonb does not keep key order: compare with sorted keys. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

async function readMarker(sql: SqlRunner, spec: DatasetSpec): Promise<Marker | null> {
  try {
    const rows = await sql.query<{ marker: Marker }>(`SELECT marker FROM bench.dataset WHERE name = $1`, [spec.name]);
    const marker = rows[0]?.marker;
    return marker && matches(marker, spec) ? marker : null;
  } catch (err) {
    if (/relation "bench.dataset" does not exist|schema "bench" does not exist/.test((err as Error).message)) return null;
    throw err;
  }
}

async function seed(database: Database, spec: DatasetSpec): Promise<Marker> {
  const started = performance.now();
  const scopes = new TenantScopes(database.prisma);
  const directory = new Directory(database.prisma, scopes);
  const zones = ["Europe/London", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "America/Sao_Paulo"];

  const tenants = [];
  for (let i = 1; i <= spec.tenants; i++) {
    const slug = `bench-${String(i).padStart(3, "0")}`;
    tenants.push(await directory.createTenant({ slug, name: `Bench Client ${i}`, settings: { timeZone: zones[i % zones.length] } }));
  }
  const password = randomToken(16);
  const queueOperator = await directory.createOperator({ email: "queue@bpo.example", name: "Queue Operator", password });
  const apiKeys: BenchTenant[] = [];
  for (const t of tenants) {
    const { secret } = await directory.createApiKey(
      t.slug,
      { name: "Benchmark partner app", scopes: ["FRONT_READ", "FRONT_WRITE", "BACK_READ", "BACK_WRITE"] },
      SYSTEM_ACTOR,
    );
    apiKeys.push({ id: t.id, slug: t.slug, apiKey: secret });
  }
  log(`  ${spec.tenants} tenants and API keys created through the directory (${seconds(started)} s)`);

  const counts = await database.sql.session(async (s) => {
    await fillTenants(s, spec, queueOperator.id, queueOperator.passwordHash);
    return {
      tenants: spec.tenants,
      tickets: await count(s, "Ticket"),
      messages: await count(s, "Message"),
      contacts: await count(s, "Contact"),
    };
  });
  const marker: Marker = { version: SEED_VERSION, spec, apiKeys, operator: { email: queueOperator.email, password }, counts, seedSeconds: 0 };
  marker.seedSeconds = Number(seconds(started));
  await database.sql.exec(`CREATE SCHEMA IF NOT EXISTS bench;
    CREATE TABLE IF NOT EXISTS bench.dataset (name text PRIMARY KEY, marker jsonb NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now())`);
  await database.sql.query(`INSERT INTO bench.dataset (name, marker) VALUES ($1, $2)`, [spec.name, JSON.stringify(marker)]);
  log(`  seeded ${spec.name}: ${counts.tickets} tickets, ${counts.messages} messages in ${marker.seedSeconds} s`);
  return marker;
}

async function fillTenants(s: SqlRunner, spec: DatasetSpec, queueOperatorId: string, passwordHash: string): Promise<void> {
  const pool = Math.max(spec.membersPerTenant, spec.tenants * 2);
  const roles = ["ADMIN", "AGENT", "AGENT", "AGENT", "BACK_OFFICE", "AUDITOR"];
  const opId = (expr: string) => `'op' || substr(md5('bench-op-' || (${expr})), 1, 23)`;
  const steps: { label: string; sql: string }[] = [
    { label: "session", sql: `SET synchronous_commit = off` },
    {
      label: "tenant list",
      sql: `DROP TABLE IF EXISTS bench_tenant; CREATE TEMP TABLE bench_tenant AS
        SELECT id AS tenant_id, row_number() OVER (ORDER BY slug)::int AS tno FROM "Tenant" WHERE slug LIKE 'bench-%'`,
    },
    {
      label: "operators",
      sql: `INSERT INTO "Operator" (id, email, name, "passwordHash", "createdAt", "updatedAt")
        SELECT ${opId("i")}, 'agent' || i || '@bpo.example', 'Agent ' || i, '${passwordHash.replace(/'/g, "''")}', now(), now()
        FROM generate_series(0, ${pool - 1}) i`,
    },
    {
      label: "memberships",
      sql: `INSERT INTO "Membership" ("tenantId", id, "operatorId", role)
        SELECT t.tenant_id, 'ms' || substr(md5(t.tenant_id || ':' || j), 1, 23), ${opId(`(t.tno * 2 + j) % ${pool}`)},
          (ARRAY[${roles.map((r) => `'${r}'`).join(",")}])[1 + j % ${roles.length}]::"Role"
        FROM bench_tenant t CROSS JOIN generate_series(0, ${spec.membersPerTenant - 1}) j;
        INSERT INTO "Membership" ("tenantId", id, "operatorId", role)
        SELECT tenant_id, 'ms' || substr(md5(tenant_id || ':queue'), 1, 23), '${queueOperatorId}', 'AGENT' FROM bench_tenant WHERE tno <= ${spec.queueTenants}`,
    },
    {
      label: "assignees",
      sql: `DROP TABLE IF EXISTS bench_assignee; CREATE TEMP TABLE bench_assignee AS
          SELECT "tenantId" AS tenant_id, (row_number() OVER (PARTITION BY "tenantId" ORDER BY "operatorId") - 1)::int AS idx, "operatorId" AS operator_id
          FROM "Membership" WHERE role IN ('OWNER', 'ADMIN', 'AGENT');
        DROP TABLE IF EXISTS bench_assignee_count; CREATE TEMP TABLE bench_assignee_count AS
          SELECT tenant_id, count(*)::int AS cnt FROM bench_assignee GROUP BY tenant_id`,
    },
    ...seedStatements(spec.shape),
    { label: "analyze", sql: `ANALYZE` },
  ];
  for (const step of steps) {
    const t = performance.now();
    await s.exec(step.sql);
    if (performance.now() - t > 1_000) log(`  ${step.label}: ${seconds(t)} s`);
  }
}

async function count(s: SqlRunner, table: string): Promise<number> {
  const rows = await s.query<{ n: string | number }>(`SELECT count(*)::int AS n FROM "${table}"`);
  return Number(rows[0]!.n);
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

/** Tables a benchmark run writes to (createTicket, the bot), children before parents. */
const RUN_TABLES: [table: string, column: string][] = [
  ["TelegramBot", "createdAt"],
  ["BotDelivery", "createdAt"],
  ["BotUpdate", "receivedAt"],
  ["Feedback", "createdAt"],
  ["ComplianceCheck", "createdAt"],
  ["RecordVersion", "createdAt"],
  ["Settlement", "createdAt"],
  ["Message", "createdAt"],
  ["Record", "createdAt"],
  ["Ticket", "createdAt"],
  ["BotChat", "createdAt"],
  ["KnowledgeArticle", "createdAt"],
  ["Contact", "createdAt"],
];

/**
 * Puts a reused dataset back as it was seeded: rows written by earlier runs (all
 * created after the marker; seeded rows carry past timestamps) are deleted and the
 * ticket counters reset, so every run reads the same data. Audit events stay: they
 * are append-only by design, and no scenario reads them.
 */
async function restore(sql: SqlRunner): Promise<void> {
  let removed = 0;
  for (const [table, column] of RUN_TABLES) {
    try {
      const rows = await sql.query<{ n: number }>(
        `WITH d AS (DELETE FROM "${table}" WHERE "${column}" > (SELECT seeded_at FROM bench.dataset LIMIT 1) RETURNING 1) SELECT count(*)::int AS n FROM d`,
      );
      removed += Number(rows[0]?.n ?? 0);
    } catch (err) {
      log(`  could not clean ${table}: ${(err as Error).message}`);
    }
  }
  await sql.exec(`UPDATE "TenantCounter" c SET value = (SELECT coalesce(max(number), 0) FROM "Ticket" t WHERE t."tenantId" = c."tenantId") WHERE c.id = 'ticket'`);
  if (removed > 0) log(`  removed ${removed} rows written by earlier runs`);
}
