#!/usr/bin/env node
// `npm start`: runs the compiled server (dist/main.js). It builds dist/ first when it is
// missing or older than src/ (`npm install` builds it; see scripts/build.mjs), so a fresh
// clone, a `git pull` and an edited file all start what is in src/.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, DIST, isFresh, ROOT } from "../scripts/build.mjs";

// Stack traces name the TypeScript files and lines (as `node --enable-source-maps`).
process.setSourceMapsEnabled(true);
// A deployment may ship dist/ without src/: run what is there.
if (existsSync(path.join(ROOT, "src")) && !isFresh()) await build();
await import(pathToFileURL(path.join(DIST, "main.js")).href);
