#!/usr/bin/env node
// The `tandem` command: the compiled CLI (dist/cli.js) when dist/ is built from the current
// src/ (`npm install` and `npm start` build it), otherwise the TypeScript through tsx.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DIST, isFresh, ROOT } from "../scripts/build.mjs";

if (isFresh() || (!existsSync(path.join(ROOT, "src")) && existsSync(path.join(DIST, "cli.js")))) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(path.join(DIST, "cli.js")).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli.ts");
}
