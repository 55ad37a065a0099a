// Seeds (or checks) the benchmark datasets without running any load:
//   npx tsx bench/seed.ts [postgres|pglite|scale10k|scale500k ...] [--reseed]
import { DATASETS, ensureDataset } from "./lib/datasets.js";

const args = process.argv.slice(2);
const reseed = args.includes("--reseed");
const names = args.filter((a) => !a.startsWith("--"));
const chosen = names.length ? names : Object.keys(DATASETS);
for (const name of chosen) {
  const spec = DATASETS[name as keyof typeof DATASETS];
  if (!spec) throw new Error(`Unknown dataset ${name}; choose from ${Object.keys(DATASETS).join(", ")}`);
  const ds = await ensureDataset(spec, { reseed });
  process.stdout.write(`${spec.name}: ${JSON.stringify(ds.counts)} ${ds.reused ? "(reused)" : `(seeded in ${ds.seedSeconds} s)`}\n`);
}
