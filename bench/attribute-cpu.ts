// Attributes the CPU time of a V8 profile (from `npm run bench -- --profile`) to the
// parts of a GraphQL request: each sample goes to the innermost frame that belongs to
// a known part, so Node's own functions (socket writes, JSON) count for their caller.
//
//   npx tsx bench/attribute-cpu.ts bench/.data/profiles/<file>.cpuprofile [--skip <seconds>]
//
// --skip leaves out the first seconds (start-up and warm-up; default 6).
import { readFileSync } from "node:fs";

interface Frame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: Frame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PARTS: [string, (url: string, fn: string) => boolean][] = [
  ["garbage collection", (_u, fn) => fn === "(garbage collector)"],
  ["logging and metrics", (u) => /node_modules\/pino|src\/logger\.ts|src\/api\/metrics\.ts|src\/api\/request-id\.ts/.test(u)],
  ["parse and validation (query limits included)", (u) => /node_modules\/graphql\/(language|validation)\/|graphql-armor|node_modules\/graphql\/index/.test(u) && !/execution/.test(u)],
  ["execution (graphql-js / graphql-tools executor)", (u) => /@graphql-tools\/executor|@graphql-tools\/utils|node_modules\/graphql\//.test(u)],
  ["Pothos (plugins, selection mapping)", (u) => u.includes("node_modules/@pothos/")],
  ["Prisma (query compiler, interpreter, client)", (u) => /src\/generated\/prisma\/|^wasm:\/\/|node_modules\/@prisma\/(client|debug)/.test(u)],
  ["compiled reads (src/db/sql-reads.ts)", (u) => u.includes("src/db/sql-reads.ts")],
  ["driver (pg, pg-protocol, adapter)", (u) => /node_modules\/(pg|pg-protocol|pg-pool|pg-types|@prisma\/adapter-pg|@electric-sql)\//.test(u)],
  ["HTTP and Yoga", (u) => /@whatwg-node|graphql-yoga|@envelop|urlpattern|src\/api\/http-guards\.ts|src\/server\.ts|node:_http|node:http/.test(u)],
  ["Tandem: auth, scopes, resolvers", (u) => u.includes("/src/")],
  ["other libraries", (u) => u.includes("node_modules/")],
];

function partOf(url: string, fn: string): string | null {
  for (const [name, test] of PARTS) if (test(url, fn)) return name;
  return null;
}

export function attribute(profile: Profile, skipSeconds = 6): { busyMs: number; parts: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, string>();
  const partOfNode = (id: number): string => {
    const cached = memo.get(id);
    if (cached) return cached;
    let found: string | null = null;
    for (let cur: number | undefined = id; cur !== undefined && !found; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      found = partOf(f.url, f.functionName);
    }
    const part = found ?? "Node runtime (HTTP parser, sockets, timers)";
    memo.set(id, part);
    return part;
  };
  const totals = new Map<string, number>();
  let t = 0;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < skipSeconds * 1e6) continue;
    const leaf = byId.get(profile.samples[i]!)!.callFrame.functionName;
    if (leaf === "(idle)" || leaf === "(program)") continue;
    busy += dt;
    const part = partOfNode(profile.samples[i]!);
    totals.set(part, (totals.get(part) ?? 0) + dt);
  }
  return { busyMs: busy / 1000, parts: [...totals].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / busy]) };
}

if (process.argv[1]?.endsWith("attribute-cpu.ts")) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: npx tsx bench/attribute-cpu.ts <profile.cpuprofile> [--skip <seconds>]");
    process.exit(2);
  }
  const skipAt = process.argv.indexOf("--skip");
  const skip = skipAt > 0 ? Number(process.argv[skipAt + 1]) : 6;
  const { busyMs, parts } = attribute(JSON.parse(readFileSync(file, "utf8")) as Profile, skip);
  console.log(`busy CPU after the first ${skip} s: ${busyMs.toFixed(0)} ms`);
  for (const [name, share] of parts) console.log(`${(share * 100).toFixed(1).padStart(5)} %  ${name}`);
}
