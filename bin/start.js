#!/usr/bin/env node
// `npm start`: runs the compiled server (dist/main.js). It builds dist/ first when it is
// missing or older than src/ (`npm install` builds it; see scripts/build.mjs), so a fresh
// clone, a `git pull` and an edited file all start what is in src/.
import { existsSync } from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import { pathToFileURL } from "node:url";
import { build, DIST, isFresh, ROOT } from "../scripts/build.mjs";

// The start script in package.json sets two things that must be in place before Node starts:
// MALLOC_MMAP_THRESHOLD_=131072 (glibc keeps large, short-lived buffers, such as response
// bodies and result sets, out of arenas that never shrink) and --max-semi-space-size=8 (a
// young generation of 8 MB semispaces instead of 16). Peak RSS under the benchmark, see
// bench/README.md: PostgreSQL 186 → 136–151 MB, embedded 324 → 240–300 MB.
// Under load most of the heap is garbage promoted out of the young generation (requests
// outlive a scavenge), and V8's dynamic heap growing let the old generation grow to about
// 2.5× what survives a full GC before collecting it. A fixed factor of 1.5 collects sooner:
// see bench/README.md for the measured peak RSS and CPU. Set before anything is allocated.
v8.setFlagsFromString("--heap-growing-percent=50");
// Stack traces name the TypeScript files and lines (as `node --enable-source-maps`).
process.setSourceMapsEnabled(true);
// A deployment may ship dist/ without src/: run what is there.
if (existsSync(path.join(ROOT, "src")) && !isFresh()) await build();
await import(pathToFileURL(path.join(DIST, "main.js")).href);
