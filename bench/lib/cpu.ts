// CPU time from /proc: what the server process and its PostgreSQL backends spent
// during a scenario. Unlike requests/s, CPU per request barely moves when other
// work shares the machine, so it is the figure to compare two versions with.
import { readFileSync, readdirSync } from "node:fs";

const TICK_MS = 10; // CLK_TCK is 100 on Linux

/** utime + stime of one process, in ms; 0 when it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** PostgreSQL backends serving `database` (their process title names it). */
function backends(database: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      if (title.startsWith("postgres: ") && title.includes(` ${database} `)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

export interface CpuSnapshot {
  server: number;
  db: Map<number, number>;
}

export function cpuSnapshot(serverPid: number, database?: string): CpuSnapshot {
  const db = new Map<number, number>();
  if (database) for (const pid of backends(database)) db.set(pid, cpuMs(pid));
  return { server: cpuMs(serverPid), db };
}

/** CPU ms spent since `before` by the server and by the database's backends (new backends count from zero). */
export function cpuSince(before: CpuSnapshot, serverPid: number, database?: string): { serverMs: number; dbMs: number | null } {
  const after = cpuSnapshot(serverPid, database);
  let dbMs = 0;
  for (const [pid, ms] of after.db) dbMs += ms - (before.db.get(pid) ?? 0);
  return { serverMs: after.server - before.server, dbMs: database ? dbMs : null };
}
