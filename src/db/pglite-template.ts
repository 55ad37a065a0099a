// A fresh embedded database starts from a copy of an initialised one. PGlite otherwise runs
// initdb on the first start: a second PostgreSQL instance in WebAssembly that builds the
// system catalogs, about 5 s of CPU and 500 MB of memory on a small machine. The result
// depends only on the PGlite version, so `npm install` (scripts/build.mjs) makes it once
// per version and the first start copies its 40 MB. Without a template PGlite runs initdb
// as before: the template only saves time.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PROJECT_ROOT } from "../config.js";

function pgliteVersion(): string {
  // The package exports no package.json: walk up from its entry point.
  let dir = path.dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  for (; !existsSync(path.join(dir, "package.json")); dir = path.dirname(dir)) {
    if (path.dirname(dir) === dir) throw new Error("@electric-sql/pglite has no package.json");
  }
  return (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }).version;
}

/** Where the initialised data folder for the installed PGlite version is kept. */
export function pgliteTemplateDir(cacheDir = path.join(PROJECT_ROOT, "node_modules", ".cache", "tandem")): string {
  return path.join(cacheDir, `pglite-${pgliteVersion()}-initdb`);
}

/** Makes the template unless it exists: initdb in a folder of its own, then renamed into place. */
export async function ensurePgliteTemplate(dir = pgliteTemplateDir()): Promise<{ dir: string; created: boolean }> {
  if (existsSync(path.join(dir, "PG_VERSION"))) return { dir, created: false };
  mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    const lite = await PGlite.create({ dataDir: tmp });
    await lite.close();
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another process made it meanwhile: theirs is as good.
      if (!existsSync(path.join(dir, "PG_VERSION"))) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { dir, created: true };
}

/**
 * Fills a data folder that holds no database yet from the template, if there is one.
 * PG_VERSION is what marks a database (PGlite runs initdb without it), so it is moved in
 * last: a copy cut short is redone on the next start, never taken for a database.
 */
export function restorePgliteTemplate(dataDir: string, template = pgliteTemplateDir()): boolean {
  if (existsSync(path.join(dataDir, "PG_VERSION")) || !existsSync(path.join(template, "PG_VERSION"))) return false;
  const staging = path.join(dataDir, `.template-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  cpSync(template, staging, { recursive: true });
  const entries = readdirSync(staging).sort((a, b) => Number(a === "PG_VERSION") - Number(b === "PG_VERSION"));
  for (const name of entries) {
    rmSync(path.join(dataDir, name), { recursive: true, force: true });
    renameSync(path.join(staging, name), path.join(dataDir, name));
  }
  rmSync(staging, { recursive: true, force: true });
  return true;
}
