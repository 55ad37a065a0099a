// One table on stdout, the same rows as JSON under bench/results/.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BENCH_DIR } from "./util.js";

export interface Row {
  section: "main" | "peer" | "scale" | "bot";
  scenario: string;
  title: string;
  engine: "postgres" | "pglite";
  server: "Tandem" | "PostGraphile 4.14.1";
  dataset: string;
  /** Total tickets in the dataset (all tenants). */
  tickets: number;
  requestsPerSec: number;
  p50Ms: number | null;
  p99Ms: number | null;
  requests: number;
  errors: number;
  sqlPerRequest: number | null;
  peakRssMb: number;
  /** CPU ms per request: the server process, and its PostgreSQL backends. */
  serverCpuMsPerRequest?: number | null;
  dbCpuMsPerRequest?: number | null;
  firstError?: string;
  /** Shown after the throughput, e.g. "upd/s" for the bot run (default: requests per second). */
  unit?: string;
  /** Run-specific figures that do not fit the columns (the bot run's error kinds and mix). */
  details?: Record<string, unknown>;
}

const num = (v: number | null, digits = 0) => (v === null || Number.isNaN(v) ? "–" : v.toFixed(digits));

export function formatTable(rows: Row[]): string {
  const header = ["scenario", "engine", "server", "dataset (tickets)", "req/s", "p50 ms", "p99 ms", "errors", "SQL/req", "peak RSS MB", "CPU ms/req app+db"];
  const body = rows.map((r) => [
    `${r.scenario} ${r.title}`,
    r.engine,
    r.server,
    `${r.dataset} (${r.tickets.toLocaleString("en")})`,
    num(r.requestsPerSec, r.requestsPerSec < 100 ? 1 : 0) + (r.unit ? ` ${r.unit}` : ""),
    num(r.p50Ms),
    num(r.p99Ms),
    String(r.errors),
    num(r.sqlPerRequest, 1),
    num(r.peakRssMb),
    r.serverCpuMsPerRequest == null ? "–" : `${num(r.serverCpuMsPerRequest, 1)}+${num(r.dbCpuMsPerRequest ?? null, 1)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (i >= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ") + " |";
  const rule = "|" + widths.map((w, i) => (i >= 4 ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") + "|";
  return [line(header), rule, ...body.map(line)].join("\n");
}

export function writeResults(report: object, startedAt: Date): { file: string; latest: string } {
  const dir = path.join(BENCH_DIR, "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  const text = JSON.stringify(report, null, 2) + "\n";
  writeFileSync(file, text);
  const latest = path.join(dir, "latest.json");
  writeFileSync(latest, text);
  return { file, latest };
}
