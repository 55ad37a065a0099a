// Drives one server with autocannon and reads its counters before and after.
import autocannon from "autocannon";
import { cpuSince, cpuSnapshot } from "./cpu.js";
import type { ChildServer } from "./processes.js";

export interface Workload {
  headers: Record<string, string>;
  /** The body of the i-th request (GraphQL JSON). */
  body(i: number): string;
  /** What a correct answer looks like: false counts as an error even with HTTP 200. */
  ok(body: string): boolean;
}

export interface LoadOptions {
  connections: number;
  durationSec: number;
  warmupSec: number;
}

export interface Measurement {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  /** The first unexpected answer, for the log. */
  firstError?: string;
  sqlPerRequest: number | null;
  peakRssBytes: number;
  /** CPU ms per request of the server process, and of its PostgreSQL backends (null on PGlite: it runs inside the server). */
  serverCpuMsPerRequest: number | null;
  dbCpuMsPerRequest: number | null;
}

interface Counters {
  statements: number;
  requests: number;
}

async function drive(url: string, work: Workload, connections: number, durationSec: number) {
  let i = 0;
  let bad = 0;
  let firstError: string | undefined;
  const result = await autocannon({
    url: url + "/graphql",
    connections,
    duration: durationSec,
    timeout: 30,
    requests: [
      {
        method: "POST",
        path: "/graphql",
        headers: { "content-type": "application/json", ...work.headers },
        setupRequest: (req) => ({ ...req, body: work.body(i++) }),
        onResponse: (status, body) => {
          if (status >= 200 && status < 300 && !work.ok(body)) {
            bad++;
            firstError ??= body.slice(0, 500);
          } else if (status >= 300) {
            firstError ??= `HTTP ${status}: ${body.slice(0, 500)}`;
          }
        },
      },
    ],
  });
  return { result, bad, firstError };
}

export async function readCounters(server: ChildServer, prefix: string): Promise<Counters> {
  const text = await (await fetch(server.url + "/metrics")).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\d+)`, "m").exec(text)?.[1] ?? NaN);
  return { statements: value(`${prefix}_sql_statements_total`), requests: value(`${prefix}_graphql_requests_total`) };
}

/**
 * Waits until the server has finished the requests autocannon left behind: when it
 * stops at the deadline it drops its connections, but the server still runs what
 * it had received. Quiet = the request and statement counters stay still for
 * `stillMs`. Without this the backlog runs into the next scenario, and a server
 * stopped meanwhile has its database closed under running requests.
 */
export async function quiesce(server: ChildServer, prefix: string, stillMs = 500, timeoutMs = 30_000): Promise<Counters> {
  const deadline = Date.now() + timeoutMs;
  let last = await readCounters(server, prefix);
  let stillSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await readCounters(server, prefix);
    if (now.statements !== last.statements || now.requests !== last.requests) {
      last = now;
      stillSince = Date.now();
    } else if (Date.now() - stillSince >= stillMs) {
      break;
    }
  }
  return last;
}

/** Warm-up (not measured), then the measured run with counters and peak memory around it. */
export async function measure(
  server: ChildServer,
  metricPrefix: string,
  work: Workload,
  options: LoadOptions & { database?: string },
): Promise<Measurement> {
  if (options.warmupSec > 0) await drive(server.url, work, options.connections, options.warmupSec);
  const before = await quiesce(server, metricPrefix);
  const cpuBefore = cpuSnapshot(server.pid, options.database);
  server.memory.start();
  const { result, bad, firstError } = await drive(server.url, work, options.connections, options.durationSec);
  // Counters, CPU and memory include the requests still running at the deadline (per request: both sides count them).
  const after = await quiesce(server, metricPrefix);
  const peakRssBytes = server.memory.stop();
  const cpu = cpuSince(cpuBefore, server.pid, options.database);
  const requests = after.requests - before.requests;
  const perRequest = (ms: number | null) => (ms !== null && requests > 0 ? ms / requests : null);
  return {
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx + bad,
    firstError,
    sqlPerRequest: requests > 0 ? (after.statements - before.statements) / requests : null,
    peakRssBytes,
    serverCpuMsPerRequest: perRequest(cpu.serverMs),
    dbCpuMsPerRequest: perRequest(cpu.dbMs),
  };
}
