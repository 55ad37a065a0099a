// Child processes under test: Tandem (what `npm start` runs: `node bin/start.js`, the
// compiled server; `node --import tsx src/main.ts` in checkouts from before the build) and
// the PostGraphile peer. Every child is registered so it is stopped when the
// benchmark ends, fails, or is interrupted — nothing keeps running afterwards.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createServer } from "node:net";
import { cpuMs as processCpuMs } from "./cpu.js";
import { ROOT_DIR, log, sleep } from "./util.js";

const children = new Set<ChildProcess>();
let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // Last resort: a synchronous kill when the benchmark process exits for any reason.
  process.on("exit", () => {
    for (const child of children) child.kill("SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping child processes`);
      void stopAll().finally(() => process.exit(130));
    });
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
}

async function stopChild(child: ChildProcess, graceMs = 8_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => {
    log(`process ${child.pid} did not exit within ${graceMs / 1000} s of SIGTERM: killing it`);
    child.kill("SIGKILL");
  }, graceMs);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * How Tandem in `dir` starts, as Node arguments: the way its `npm start` does. A checkout
 * with a build (bin/start.js) is built first if src/ changed, outside any timing.
 */
export function tandemLaunch(dir = ROOT_DIR): string[] {
  if (existsSync(path.join(dir, "bin", "start.js"))) {
    execFileSync(process.execPath, ["scripts/build.mjs", "--if-stale"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
    return [...tandemStartScript(dir).nodeOptions, "bin/start.js"];
  }
  return ["--import", "tsx", "src/main.ts"];
}

/**
 * What `npm start` in `dir` puts before the script: the `VAR=value` words that lead its start
 * script (the allocator's settings) and the options it gives Node (the heap's). The benchmark
 * starts Tandem with both, as a user's `npm start` does.
 */
export function tandemStartScript(dir = ROOT_DIR): { env: Record<string, string>; nodeOptions: string[] } {
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { scripts?: { start?: string } };
  const words = (pkg.scripts?.start ?? "").trim().split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (let assignment; (assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/.exec(words[i] ?? "")); i++) env[assignment[1]!] = assignment[2]!;
  const nodeOptions: string[] = [];
  if (words[i] === "node") for (i++; words[i]?.startsWith("--"); i++) nodeOptions.push(words[i]!);
  return { env, nodeOptions };
}

export interface ChildServer {
  name: string;
  pid: number;
  url: string;
  /** From spawn to the first 200 from the ready path, with the process's CPU time and peak RSS then. */
  ready: { ms: number; cpuMs: number; peakRssBytes: number };
  /** The last lines the process wrote, for error messages. */
  output(): string;
  memory: MemoryProbe;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  /** Node arguments after `nodeArgs`, e.g. ["--import", "tsx", "bench/postgraphile-server.ts"] or tandemLaunch(). */
  args: string[];
  env: Record<string, string>;
  /** A path that answers 200 once the server can take load. */
  readyPath: string;
  timeoutMs?: number;
  /** Extra Node options, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Where the script lives (default: this checkout). */
  cwd?: string;
  /** Listen on this port (default: a free one). For servers that must know their own URL before they start. */
  port?: number;
}

export async function startServer(options: StartOptions): Promise<ChildServer> {
  installHooks();
  const port = options.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: "127.0.0.1", PORT: String(port), ...options.env };
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...options.args], { cwd: options.cwd ?? ROOT_DIR, env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    if (lines.length > 60) lines.splice(0, lines.length - 60);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const server: ChildServer = {
    name: options.name,
    pid: child.pid!,
    url,
    output: () => lines.join("\n"),
    ready: { ms: NaN, cpuMs: NaN, peakRssBytes: NaN },
    memory: new MemoryProbe(child.pid!),
    stop: () => stopChild(child),
  };
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      children.delete(child);
      throw new Error(`${options.name} exited during start-up (code ${child.exitCode}):\n${server.output()}`);
    }
    try {
      const res = await fetch(url + options.readyPath);
      if (res.ok) {
        server.ready = { ms: performance.now() - spawnedAt, cpuMs: processCpuMs(child.pid!), peakRssBytes: server.memory.highWaterMark() };
        return server;
      }
    } catch {
      // not listening yet
    }
    // Often enough that the start-up figures are not rounded up to the polling interval.
    await sleep(20);
  }
  await server.stop();
  throw new Error(`${options.name} was not ready after ${options.timeoutMs ?? 120_000} ms:\n${server.output()}`);
}

/**
 * Peak resident memory of a process, from the kernel: VmHWM is the high-water
 * mark, and writing 5 to clear_refs resets it, so each scenario gets its own peak.
 * A 250 ms VmRSS sampler backs it up where clear_refs is not allowed.
 */
export class MemoryProbe {
  private sampled = 0;
  private timer: NodeJS.Timeout | null = null;
  private canReset = true;

  constructor(private readonly pid: number) {}

  start(): void {
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, "5");
    } catch {
      this.canReset = false;
    }
    this.sampled = this.read("VmRSS");
    this.timer = setInterval(() => {
      this.sampled = Math.max(this.sampled, this.read("VmRSS"));
    }, 250);
  }

  /** Peak RSS in bytes since start(). */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const hwm = this.canReset ? this.read("VmHWM") : 0;
    return Math.max(hwm, this.sampled);
  }

  /** The process's peak RSS since it started (or since the last start()), in bytes. */
  highWaterMark(): number {
    return this.read("VmHWM");
  }

  private read(field: "VmRSS" | "VmHWM"): number {
    try {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${this.pid}/status`, "utf8"));
      return match ? Number(match[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  }
}

