// Start-up: from spawning Tandem the way `npm start` does to its first answered request
// (GET /readyz → 200), on a fresh database (migrations and the demo data included: a new
// user's first `npm start`) and on a restart of the same database. Each sample also keeps
// the process's CPU time and peak RSS at that moment, and the steps the server logs in its
// "listening" line (modules, database, migrations, demo, api, listen).
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { PG_ADMIN_URL, pgUrl } from "./datasets.js";
import { startServer, tandemLaunch, tandemStartScript } from "./processes.js";
import { BENCH_DIR, log } from "./util.js";

export interface StartupSample {
  ms: number;
  cpuMs: number;
  peakRssMb: number;
  steps: Record<string, number>;
}

export interface StartupRow {
  engine: "pglite" | "postgres";
  kind: "fresh" | "warm";
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  medianCpuMs: number;
  medianPeakRssMb: number;
  /** Median of each logged step, in ms. */
  steps: Record<string, number>;
  samples: StartupSample[];
}

const STARTUP_DB = "tandem_bench_startup";

const median = (values: number[]) => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
};

async function resetPostgres(): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${STARTUP_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${STARTUP_DB}`);
  } finally {
    await admin.end();
  }
}

async function startOnce(engine: StartupRow["engine"], dataDir: string, options: { tandemDir?: string; authSecret: string }): Promise<StartupSample> {
  const server = await startServer({
    name: `Tandem start-up (${engine})`,
    args: tandemLaunch(options.tandemDir),
    cwd: options.tandemDir,
    readyPath: "/readyz",
    env: {
      ...tandemStartScript(options.tandemDir).env,
      // What a user's `npm start` has: demo data on an empty database, GraphiQL, info logs.
      DATABASE_URL: engine === "postgres" ? pgUrl(STARTUP_DB) : "",
      DATA_DIR: dataDir,
      AUTH_SECRET: options.authSecret,
      NODE_ENV: "",
      DEMO_SEED: "true",
      LOG_LEVEL: "info",
      REDIS_URL: "",
      TELEGRAM_API_ROOT: "",
      PUBLIC_URL: "",
      OPENAI_API_KEY: "",
    },
  });
  // The "listening" line is written before the server answers; give stdout a moment.
  let steps: Record<string, number> = {};
  for (let i = 0; i < 20 && !/"startupMs"/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 25));
  const line = server.output().split("\n").find((l) => l.includes('"startupMs"'));
  try {
    if (line) steps = (JSON.parse(line) as { startupMs: Record<string, number> }).startupMs;
  } catch {
    // a line cut in two by the pipe: the steps are left out of this sample
  }
  await server.stop();
  return { ms: server.ready.ms, cpuMs: server.ready.cpuMs, peakRssMb: server.ready.peakRssBytes / 1024 / 1024, steps };
}

function summarise(engine: StartupRow["engine"], kind: StartupRow["kind"], samples: StartupSample[]): StartupRow {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.steps)))];
  return {
    engine,
    kind,
    runs: samples.length,
    medianMs: median(samples.map((s) => s.ms)),
    minMs: Math.min(...samples.map((s) => s.ms)),
    maxMs: Math.max(...samples.map((s) => s.ms)),
    medianCpuMs: median(samples.map((s) => s.cpuMs)),
    medianPeakRssMb: median(samples.map((s) => s.peakRssMb)),
    steps: Object.fromEntries(names.map((n) => [n, median(samples.map((s) => s.steps[n] ?? NaN))])),
    samples,
  };
}

/** `runs` times: a start on a new database, then a restart on it. */
export async function measureStartup(
  engine: StartupRow["engine"],
  options: { runs: number; tandemDir?: string; authSecret: string },
): Promise<StartupRow[]> {
  const fresh: StartupSample[] = [];
  const warm: StartupSample[] = [];
  const dataDir = path.join(BENCH_DIR, ".data", "startup");
  for (let i = 0; i < options.runs; i++) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    if (engine === "postgres") await resetPostgres();
    fresh.push(await startOnce(engine, dataDir, options));
    warm.push(await startOnce(engine, dataDir, options));
    log(
      `  start-up ${engine} #${i + 1}: fresh ${(fresh.at(-1)!.ms / 1000).toFixed(2)} s (${fresh.at(-1)!.peakRssMb.toFixed(0)} MB), ` +
        `restart ${(warm.at(-1)!.ms / 1000).toFixed(2)} s (${warm.at(-1)!.peakRssMb.toFixed(0)} MB)`,
    );
  }
  rmSync(dataDir, { recursive: true, force: true });
  return [summarise(engine, "fresh", fresh), summarise(engine, "warm", warm)];
}

export function formatStartupTable(rows: StartupRow[]): string {
  const stepNames = [...new Set(rows.flatMap((r) => Object.keys(r.steps)))].filter((n) => n !== "total");
  const header = ["start-up", "engine", "runs", "median s", "min–max s", "CPU s", "peak RSS MB", `steps ms (${stepNames.join(", ")})`];
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const body = rows.map((r) => [
    r.kind === "fresh" ? "fresh database (migrations + demo data)" : "restart",
    r.engine,
    String(r.runs),
    s(r.medianMs),
    `${s(r.minMs)}–${s(r.maxMs)}`,
    s(r.medianCpuMs),
    r.medianPeakRssMb.toFixed(0),
    stepNames.map((n) => (Number.isFinite(r.steps[n]) ? r.steps[n]!.toFixed(0) : "–")).join(" / "),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const numeric = (i: number) => i >= 2 && i <= 6;
  const line = (cells: string[]) => "| " + cells.map((c, i) => (numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ") + " |";
  const rule = "|" + widths.map((w, i) => (numeric(i) ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") + "|";
  return [line(header), rule, ...body.map(line)].join("\n");
}
