// `npm run bench`: seeds (or reuses) the datasets, starts Tandem as a real HTTP
// server in a child process, drives it with autocannon, does the same for the
// PostGraphile peer, runs the bot end to end through the fake Telegram Bot API
// (lib/bot.ts), and prints one table (also written to bench/results/).
// Flags are documented in bench/README.md and by `npm run bench -- --help`.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { measureBot } from "./lib/bot.js";
import { DATASETS, PG_ADMIN_URL, ensureDataset, type Dataset } from "./lib/datasets.js";
import { measure, type LoadOptions } from "./lib/load.js";
import { startServer, stopAll, tandemLaunch, tandemStartScript, type ChildServer } from "./lib/processes.js";
import { formatTable, writeResults, type Row } from "./lib/report.js";
import { formatStartupTable, measureStartup, type StartupRow } from "./lib/startup.js";
import { POSTGRAPHILE_SCENARIOS, TANDEM_SCENARIOS, unavailableReason, type Scenario, type ScenarioContext } from "./lib/scenarios.js";
import { BENCH_DIR, ROOT_DIR, log } from "./lib/util.js";

const HELP = `npm run bench -- [options]
  --quick               3 s per scenario, 1 s warm-up; skips the scale run unless --scale is given
  --engine <e>          postgres | pglite | all (default all)
  --scenarios <list>    e.g. 1,2 or bot, or startup for the start-up figures alone (default: every scenario the API has, and the bot run)
  --scale / --no-scale  scenario 1 at 10k and 500k total tickets (default on, off with --quick)
  --no-peer             skip PostGraphile
  --no-bot              skip the bot run (Telegram updates end to end through the fake Bot API)
  --duration <s>        seconds per scenario (default 10)
  --warmup <s>          unmeasured seconds before each scenario (default 3)
  --connections <n>     concurrent connections (default 20); in the bot run, customers chatting at once
  --reseed              drop and seed the datasets again
  --profile             write a V8 CPU profile of each Tandem process to bench/.data/profiles/
  --startup-runs <n>    start-up: n starts on a new database and n restarts per engine (default 3, 2 with --quick)
  --no-startup          skip the start-up measurement
  --tandem-dir <path>   run Tandem from another checkout (with node_modules), e.g. to compare two commits
Environment: BENCH_PG_URL (default ${PG_ADMIN_URL}) — a superuser URL; the benchmark creates tandem_bench* databases.`;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      engine: { type: "string", default: "all" },
      scenarios: { type: "string" },
      scale: { type: "boolean" },
      "no-scale": { type: "boolean", default: false },
      "no-peer": { type: "boolean", default: false },
      "no-bot": { type: "boolean", default: false },
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      reseed: { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      "tandem-dir": { type: "string" },
      "startup-runs": { type: "string" },
      "no-startup": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP + "\n");
    process.exit(0);
  }
  if (!["postgres", "pglite", "all"].includes(values.engine!)) throw new Error(`--engine must be postgres, pglite or all`);
  const quick = values.quick!;
  const load: LoadOptions = {
    durationSec: Number(values.duration ?? (quick ? 3 : 10)),
    warmupSec: Number(values.warmup ?? (quick ? 1 : 3)),
    connections: Number(values.connections ?? 20),
  };
  return {
    quick,
    load,
    engines: values.engine === "all" ? (["postgres", "pglite"] as const) : ([values.engine] as ("postgres" | "pglite")[]),
    scenarios: values.scenarios ? new Set(values.scenarios.split(",").map((s) => s.trim())) : null,
    scale: values["no-scale"] ? false : (values.scale ?? !quick),
    peer: !values["no-peer"],
    bot: !values["no-bot"],
    reseed: values.reseed!,
    profile: values.profile!,
    tandemDir: values["tandem-dir"] ? path.resolve(values["tandem-dir"]) : undefined,
    startupRuns: values["no-startup"] ? 0 : Number(values["startup-runs"] ?? (quick ? 2 : 3)),
  };
}

type Options = ReturnType<typeof parseOptions>;

const AUTH_SECRET = randomBytes(32).toString("hex");
const HUGE = "1000000000";

function startTandem(ds: Dataset, options: Options, extra: { env?: Record<string, string>; port?: number } = {}): Promise<ChildServer> {
  return startServer({
    name: `Tandem (${ds.spec.engine})`,
    args: tandemLaunch(options.tandemDir),
    cwd: options.tandemDir,
    port: extra.port,
    readyPath: "/readyz",
    nodeArgs: options.profile ? ["--cpu-prof", "--cpu-prof-dir", path.join(BENCH_DIR, ".data", "profiles")] : [],
    env: {
      ...tandemStartScript(options.tandemDir).env,
      DATABASE_URL: ds.env.DATABASE_URL ?? "",
      ...(ds.env.DATA_DIR ? { DATA_DIR: ds.env.DATA_DIR } : {}),
      NODE_ENV: "production",
      AUTH_SECRET,
      DEMO_SEED: "false",
      LOG_LEVEL: "warn",
      REDIS_URL: "",
      // The limiter must not refuse the load: one key sends thousands of requests a second.
      RATE_LIMIT_PER_MINUTE: HUGE,
      RATE_LIMIT_IP_PER_MINUTE: HUGE,
      LOGIN_ATTEMPTS_PER_15_MINUTES: "1000",
      // No bot runs unless the bot run points Tandem at the fake Bot API (extra.env).
      TELEGRAM_API_ROOT: "",
      PUBLIC_URL: "",
      OPENAI_API_KEY: "",
      ...extra.env,
    },
  });
}

function startPostGraphile(ds: Dataset): Promise<ChildServer> {
  return startServer({
    name: "PostGraphile",
    args: ["--import", "tsx", "bench/postgraphile-server.ts"],
    readyPath: "/readyz",
    env: { DATABASE_URL: ds.url!, NODE_ENV: "production" },
  });
}

const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(input: { email: $email, password: $password }) {
    __typename
    ... on LoginSuccess { data { token } }
    ... on Error { message }
  }
}`;

async function login(server: ChildServer, ds: Dataset): Promise<string> {
  const res = await fetch(server.url + "/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: LOGIN, variables: { email: ds.operator.email, password: ds.operator.password } }),
  });
  const json = (await res.json()) as { data?: { login?: { data?: { token?: string }; message?: string } } };
  const token = json.data?.login?.data?.token;
  if (!token) throw new Error(`Operator login failed: ${JSON.stringify(json)}`);
  return token;
}

function wanted(options: Options, scenario: Scenario): boolean {
  return !options.scenarios || options.scenarios.has(scenario.id);
}

async function runScenario(
  server: ChildServer,
  scenario: Scenario,
  ctx: ScenarioContext,
  options: Options,
  section: Row["section"],
): Promise<Row> {
  const ds = ctx.dataset;
  const isPeer = scenario.server === "postgraphile";
  log(`${isPeer ? "PostGraphile" : "Tandem"} ${ds.spec.engine} scenario ${scenario.id} (${scenario.title}) on ${ds.spec.name} …`);
  const database = ds.spec.engine === "postgres" ? ds.spec.name : undefined;
  const m = await measure(server, isPeer ? "postgraphile" : "tandem", scenario.workload(ctx), { ...options.load, database });
  if (m.firstError) log(`  first error: ${m.firstError}`);
  log(
    `  ${m.requestsPerSec.toFixed(0)} req/s, p99 ${m.p99Ms} ms, ${m.errors} errors, ${m.sqlPerRequest?.toFixed(1)} SQL/req, ` +
      `CPU/req: server ${m.serverCpuMsPerRequest?.toFixed(2)} ms, database ${m.dbCpuMsPerRequest?.toFixed(2) ?? "–"} ms`,
  );
  return {
    section,
    scenario: scenario.id,
    title: scenario.title,
    engine: ds.spec.engine,
    server: isPeer ? "PostGraphile 4.14.1" : "Tandem",
    dataset: ds.spec.name,
    tickets: ds.counts.tickets,
    requestsPerSec: m.requestsPerSec,
    p50Ms: m.p50Ms,
    p99Ms: m.p99Ms,
    requests: m.requests,
    errors: m.errors,
    sqlPerRequest: m.sqlPerRequest,
    peakRssMb: m.peakRssBytes / 1024 / 1024,
    serverCpuMsPerRequest: m.serverCpuMsPerRequest,
    dbCpuMsPerRequest: m.dbCpuMsPerRequest,
    firstError: m.firstError,
  };
}

async function runTandem(ds: Dataset, scenarios: Scenario[], options: Options, section: Row["section"]): Promise<Row[]> {
  const rows: Row[] = [];
  const server = await startTandem(ds, options);
  try {
    const ctx: ScenarioContext = { dataset: ds };
    if (scenarios.some((s) => s.id === "5")) ctx.operatorToken = await login(server, ds);
    for (const scenario of scenarios) rows.push(await runScenario(server, scenario, ctx, options, section));
  } finally {
    await server.stop();
  }
  return rows;
}

async function runPeer(ds: Dataset, options: Options): Promise<Row[]> {
  const rows: Row[] = [];
  const server = await startPostGraphile(ds);
  try {
    for (const scenario of POSTGRAPHILE_SCENARIOS.filter((s) => wanted(options, s))) {
      rows.push(await runScenario(server, scenario, { dataset: ds }, options, "peer"));
    }
  } finally {
    await server.stop();
  }
  return rows;
}

async function runBot(ds: Dataset, options: Options): Promise<Row> {
  const { connections, durationSec, warmupSec } = options.load;
  log(`Tandem ${ds.spec.engine} bot run on ${ds.spec.name}: ${connections} customers at once, ${durationSec} s (after ${warmupSec} s warm-up) …`);
  const m = await measureBot(ds, { concurrency: connections, durationSec, warmupSec, replyTimeoutMs: 30_000, authSecret: AUTH_SECRET }, (env, port) =>
    startTandem(ds, options, { env, port }),
  );
  if (m.firstError) log(`  first error: ${m.firstError}`);
  log(
    `  ${m.updatesPerSec.toFixed(1)} updates/s, p50 ${m.p50Ms?.toFixed(0)} ms, p99 ${m.p99Ms?.toFixed(0)} ms, ${m.errors} errors ${JSON.stringify(m.errorKinds)}, ` +
      `${m.sqlPerUpdate?.toFixed(1)} SQL/update, CPU/update: server ${m.serverCpuMsPerUpdate?.toFixed(1)} ms, database ${m.dbCpuMsPerUpdate?.toFixed(1) ?? "–"} ms`,
  );
  return {
    section: "bot",
    scenario: "bot",
    title: "Telegram updates, webhook → reply at the Bot API",
    engine: ds.spec.engine,
    server: "Tandem",
    dataset: ds.spec.name,
    tickets: ds.counts.tickets,
    requestsPerSec: m.updatesPerSec,
    unit: "upd/s",
    p50Ms: m.p50Ms,
    p99Ms: m.p99Ms,
    requests: m.handled,
    errors: m.errors,
    sqlPerRequest: m.sqlPerUpdate,
    peakRssMb: m.peakRssBytes / 1024 / 1024,
    serverCpuMsPerRequest: m.serverCpuMsPerUpdate,
    dbCpuMsPerRequest: m.dbCpuMsPerUpdate,
    firstError: m.firstError,
    details: {
      tenant: m.tenant,
      customersAtOnce: connections,
      publishedArticles: m.articles,
      errorKinds: m.errorKinds,
      unexpectedReplies: m.unexpectedReplies,
      updatesByStep: m.mix,
    },
  };
}

async function machine() {
  let postgres = "unreachable";
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    postgres = (await client.query("SHOW server_version")).rows[0].server_version;
  } catch {
    // reported as unreachable
  } finally {
    await client.end().catch(() => undefined);
  }
  const pkg = (name: string) => JSON.parse(readFileSync(path.join(ROOT_DIR, "node_modules", name, "package.json"), "utf8")).version as string;
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    postgres,
    pglite: pkg("@electric-sql/pglite"),
    prisma: pkg("@prisma/client"),
    loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const startedAt = new Date();
  const env = await machine();
  // Taken at the start: other people may commit or edit while the benchmark runs.
  const version = tandemVersion(options);
  log(`machine: ${env.cpus} CPUs, ${env.memoryGb} GB, Node ${env.node}, PostgreSQL ${env.postgres}, load ${env.loadAverageAtStart.join(" ")}`);
  const rows: Row[] = [];
  const notes: string[] = [];
  const datasets: Record<string, unknown> = {};
  const remember = (ds: Dataset) => {
    datasets[ds.spec.name] = { engine: ds.spec.engine, ...ds.counts, ticketsPerTenant: ds.spec.shape.ticketsPerTenant, reused: ds.reused, seedSeconds: ds.seedSeconds };
  };

  // First, on a quiet machine: the load runs below leave PostgreSQL busy for a while.
  const startup: StartupRow[] = [];
  for (const engine of options.startupRuns > 0 ? [...options.engines].reverse() : []) {
    log(`Tandem start-up on ${engine}: ${options.startupRuns} × (new database, restart) …`);
    startup.push(...(await measureStartup(engine, { runs: options.startupRuns, tandemDir: options.tandemDir, authSecret: AUTH_SECRET })));
  }

  const available: Scenario[] = [];
  for (const s of TANDEM_SCENARIOS.filter((s) => wanted(options, s))) {
    const reason = unavailableReason(s);
    if (reason) notes.push(`Scenario ${s.id} (${s.title}) skipped: schema.graphql does not have it yet (${reason}).`);
    else available.push(s);
  }

  const botWanted = options.bot && (!options.scenarios || options.scenarios.has("bot"));
  for (const engine of options.engines) {
    const peerWanted = engine === "postgres" && options.peer && POSTGRAPHILE_SCENARIOS.some((s) => wanted(options, s));
    if (!available.length && !peerWanted && !botWanted) continue; // e.g. --scenarios startup
    const ds = await ensureDataset(DATASETS[engine], { reseed: options.reseed });
    remember(ds);
    if (available.length) rows.push(...(await runTandem(ds, available, options, "main")));
    if (peerWanted) rows.push(...(await runPeer(ds, options)));
    if (botWanted) rows.push(await runBot(ds, options));
  }

  const first = available.find((s) => s.id === "1");
  if (options.scale && first) {
    for (const spec of [DATASETS.scale10k, DATASETS.scale500k]) {
      const ds = await ensureDataset(spec, { reseed: options.reseed });
      remember(ds);
      rows.push(...(await runTandem(ds, [first], options, "scale")));
    }
  } else if (options.scale && TANDEM_SCENARIOS.some((s) => s.id === "1" && wanted(options, s))) {
    notes.push("Scale run skipped: scenario 1 is not in the API yet.");
  }

  const ratios = peerRatios(rows);
  const memory = memoryRatio(rows);
  const machineAtEnd = { ...env, loadAverageAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))) };
  const report = { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine: machineAtEnd, tandem: version, options, datasets, rows, ratios, memory, startup, notes };
  const { file } = writeResults(report, startedAt);
  if (rows.length) process.stdout.write("\n" + formatTable(rows) + "\n\n");
  if (startup.length) process.stdout.write(formatStartupTable(startup) + "\n\n");
  for (const r of ratios) {
    process.stdout.write(
      `Tandem / PostGraphile throughput, scenario ${r.scenario}: ${r.ratio.toFixed(2)}× (${r.tandem.toFixed(0)} vs ${r.postgraphile.toFixed(0)} req/s)\n`,
    );
  }
  if (memory) {
    process.stdout.write(
      `Tandem / PostGraphile peak RSS on PostgreSQL: ${memory.ratio.toFixed(2)}× (${memory.tandemMb.toFixed(0)} vs ${memory.postgraphileMb.toFixed(0)} MB, ` +
        `the highest of scenarios ${memory.scenarios.join(", ")})\n`,
    );
  }
  for (const n of notes) process.stdout.write(`Note: ${n}\n`);
  process.stdout.write(`Datasets: ${Object.entries(datasets).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join("; ")}\n`);
  process.stdout.write(`Results: ${path.relative(process.cwd(), file)} (and bench/results/latest.json)\n`);
}

/** The code that was measured: its commit, and the files that differed from it (others may be editing the checkout). */
function tandemVersion(options: Options) {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: options.tandemDir ?? ROOT_DIR, encoding: "utf8" }).trim();
  try {
    return { commit: git("rev-parse", "--short", "HEAD"), uncommitted: git("status", "--porcelain", "--", "src", "prisma").split("\n").filter(Boolean).map((l) => l.slice(3)) };
  } catch {
    return { commit: "unknown", uncommitted: [] };
  }
}

/** Tandem's highest peak RSS against PostGraphile's over the scenarios both ran, in this run. */
function memoryRatio(rows: Row[]) {
  const peer = rows.filter((r) => r.section === "peer");
  const ours = rows.filter((r) => r.section === "main" && r.engine === "postgres" && peer.some((p) => p.scenario === r.scenario));
  if (!peer.length || !ours.length) return null;
  const tandemMb = Math.max(...ours.map((r) => r.peakRssMb));
  const postgraphileMb = Math.max(...peer.map((r) => r.peakRssMb));
  return { scenarios: ours.map((r) => r.scenario), tandemMb, postgraphileMb, ratio: tandemMb / postgraphileMb };
}

function peerRatios(rows: Row[]) {
  const out: { scenario: string; tandem: number; postgraphile: number; ratio: number }[] = [];
  for (const peer of rows.filter((r) => r.section === "peer")) {
    const ours = rows.find((r) => r.section === "main" && r.engine === "postgres" && r.scenario === peer.scenario);
    if (ours) out.push({ scenario: peer.scenario, tandem: ours.requestsPerSec, postgraphile: peer.requestsPerSec, ratio: ours.requestsPerSec / peer.requestsPerSec });
  }
  return out;
}

main()
  .catch((err) => {
    log(`failed: ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
