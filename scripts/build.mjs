#!/usr/bin/env node
// Builds dist/ for production: `npm start` and the `tandem` command run compiled JavaScript
// with plain Node instead of compiling TypeScript through tsx on every start. esbuild strips
// the types (`npm run typecheck` checks them) and bundles src/main.ts and src/cli.ts with
// their dependencies into a few ES modules with source maps: Node then loads 5 files
// instead of about 1,200 (graphql-tools, openai, zod… are hundreds of small modules each).
// What cannot be bundled stays in node_modules: PGlite (finds its WebAssembly next to its
// own module), the generated Prisma client (CommonJS with its own WebAssembly), argon2
// (a native addon) and ioredis (reads its own package.json).
// It also makes, once per PGlite version, the initialised embedded database that a first
// start copies instead of running initdb (src/db/pglite-template.ts).
//
//   node scripts/build.mjs              build now
//   node scripts/build.mjs --if-stale   build only when src/ changed since the last build
//   node scripts/build.mjs --check      exit 1 when dist/ is missing or stale, build nothing
//
// Plain JavaScript on purpose: it runs before anything is compiled.
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SRC = path.join(ROOT, "src");
export const DIST = path.join(ROOT, "dist");
const STAMP = ".build-stamp";
// The generated Prisma client is JavaScript already; dist/ links to it, so `prisma generate`
// never leaves a stale copy behind.
const PRISMA_CLIENT = path.join("generated", "prisma");

function sourceFiles(dir = SRC, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path.relative(SRC, full) !== PRISMA_CLIENT) sourceFiles(full, out);
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      out.push(full);
    }
  }
  return out.sort();
}

/**
 * What the build depends on: every source file's path, size and mtime, this script, and the
 * installed packages (npm rewrites node_modules/.package-lock.json on every install).
 */
function fingerprint(files) {
  const hash = createHash("sha256");
  const inputs = [...files, fileURLToPath(import.meta.url), path.join(ROOT, "package-lock.json"), path.join(ROOT, "node_modules", ".package-lock.json")];
  for (const file of inputs) {
    let s;
    try {
      s = statSync(file);
    } catch {
      continue; // a lock file that is not there
    }
    hash.update(`${path.relative(ROOT, file)}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest("hex");
}

/** Keeps the generated Prisma client out of the bundle: dist/generated/prisma links to it. */
const prismaClientOutside = {
  name: "prisma-client-outside",
  setup(b) {
    b.onResolve({ filter: /\/generated\/prisma\/index\.js$/ }, () => ({ path: "./generated/prisma/index.js", external: true }));
  },
};

/** True when dist/ was built from the current src/. Cheap: a stat per source file. */
export function isFresh() {
  try {
    return readFileSync(path.join(DIST, STAMP), "utf8") === fingerprint(sourceFiles());
  } catch {
    return false;
  }
}

export async function build({ quiet = false } = {}) {
  const started = performance.now();
  const files = sourceFiles();
  const stamp = fingerprint(files);
  const { build: esbuild } = await import("esbuild");
  // Built next to dist/ and swapped in, so a process starting meanwhile never sees half a build.
  const tmp = path.join(ROOT, `.dist-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    await esbuild({
      entryPoints: { main: path.join(SRC, "main.ts"), cli: path.join(SRC, "cli.ts"), "pglite-template": path.join(SRC, "db", "pglite-template.ts") },
      outdir: tmp,
      format: "esm",
      platform: "node",
      target: "node20",
      bundle: true,
      // What both entry points use goes into shared chunks, loaded once.
      splitting: true,
      external: ["@electric-sql/pglite", "@electric-sql/pglite/*", "@node-rs/argon2", "ioredis", "pg-native"],
      plugins: [prismaClientOutside],
      // Bundled CommonJS packages call require() (Node built-ins, optional packages).
      banner: { js: 'import { createRequire as __tandemCreateRequire } from "node:module";\nconst require = __tandemCreateRequire(import.meta.url);' },
      // Stack traces name src/*.ts lines (`node --enable-source-maps`); the sources stay on disk.
      sourcemap: "linked",
      // Less source text for V8 to parse and keep (identifiers stay as written, for stack
      // traces); without comments the bundle is Latin-1, so V8 holds it one byte a character.
      minifyWhitespace: true,
      minifySyntax: true,
      legalComments: "none",
      sourcesContent: false,
      logLevel: "warning",
    });
    for (const file of readdirSync(tmp)) if (file.endsWith(".js.map")) mapOwnCodeOnly(path.join(tmp, file));
    mkdirSync(path.join(tmp, "generated"), { recursive: true });
    symlinkSync(path.relative(path.join(tmp, "generated"), path.join(SRC, PRISMA_CLIENT)), path.join(tmp, PRISMA_CLIENT), "dir");
    writeFileSync(path.join(tmp, STAMP), stamp);
    const old = path.join(ROOT, `.dist-old-${process.pid}`);
    if (existsSync(DIST) || isSymlink(DIST)) renameSync(DIST, old);
    renameSync(tmp, DIST);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!quiet) process.stderr.write(`built dist/ from ${files.length} source files in ${Math.round(performance.now() - started)} ms\n`);
  await prepareTemplate(quiet);
}

/** The initialised embedded database a first start copies (src/db/pglite-template.ts); made once per PGlite version. */
async function prepareTemplate(quiet) {
  const started = performance.now();
  try {
    const { ensurePgliteTemplate } = await import(pathToFileURL(path.join(DIST, "pglite-template.js")).href);
    const { dir, created } = await ensurePgliteTemplate();
    if (created && !quiet) process.stderr.write(`initialised the embedded database template ${path.relative(ROOT, dir)} in ${Math.round(performance.now() - started)} ms\n`);
  } catch (err) {
    // Only time is lost: a first start without a template runs initdb itself.
    process.stderr.write(`warning: no embedded database template (${err?.message ?? err}); the first start will initialise the database itself\n`);
  }
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = Object.fromEntries([...B64].map((c, i) => [c, i]));

function decodeVlq(text) {
  const values = [];
  for (let i = 0, shift = 0, value = 0; i < text.length; i++) {
    const digit = B64_VALUE[text[i]];
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      shift = value = 0;
    }
  }
  return values;
}

function encodeVlq(values) {
  let out = "";
  for (const v of values) {
    let rest = v < 0 ? (-v << 1) | 1 : v << 1;
    do {
      let digit = rest & 31;
      rest >>>= 5;
      if (rest) digit |= 32;
      out += B64[digit];
    } while (rest);
  }
  return out;
}

/**
 * Keeps the mappings of Tandem's own code only. Node parses a bundle's whole map when it
 * loads the bundle (with source maps on); the bundled packages made the maps 2 MB, about
 * 0.35 s of CPU and 10 MB per start. Where a package's code begins, an unmapped segment
 * stops the previous mapping, so a frame inside a package shows its place in the bundle
 * rather than a wrong line of ours.
 */
function mapOwnCodeOnly(file) {
  const map = JSON.parse(readFileSync(file, "utf8"));
  const ours = map.sources.map((s) => !/[\\/]node_modules[\\/]/.test(s));
  const sources = [];
  const index = new Map();
  const state = { source: 0, line: 0, column: 0, name: 0 };
  const out = { source: 0, line: 0, column: 0, name: 0 };
  const names = [];
  const nameIndex = new Map();
  map.mappings = map.mappings
    .split(";")
    .map((line) => {
      let column = 0;
      let outColumn = 0;
      let unmapped = false;
      const kept = [];
      for (const segment of line ? line.split(",") : []) {
        const v = decodeVlq(segment);
        column += v[0];
        if (v.length === 1) continue;
        state.source += v[1];
        state.line += v[2];
        state.column += v[3];
        if (v.length === 5) state.name += v[4];
        if (!ours[state.source]) {
          if (!unmapped) kept.push(encodeVlq([column - outColumn]));
          if (!unmapped) outColumn = column;
          unmapped = true;
          continue;
        }
        unmapped = false;
        if (!index.has(state.source)) index.set(state.source, sources.push(map.sources[state.source]) - 1);
        const source = index.get(state.source);
        const values = [column - outColumn, source - out.source, state.line - out.line, state.column - out.column];
        outColumn = column;
        Object.assign(out, { source, line: state.line, column: state.column });
        if (v.length === 5) {
          const key = map.names[state.name];
          if (!nameIndex.has(key)) nameIndex.set(key, names.push(key) - 1);
          values.push(nameIndex.get(key) - out.name);
          out.name = nameIndex.get(key);
        }
        kept.push(encodeVlq(values));
      }
      return kept.join(",");
    })
    .join(";");
  map.sources = sources;
  map.names = names;
  writeFileSync(file, JSON.stringify(map));
}

function isSymlink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = new Set(process.argv.slice(2));
  if (args.has("--check")) {
    process.exitCode = isFresh() ? 0 : 1;
  } else if (!(args.has("--if-stale") && isFresh())) {
    await build({ quiet: args.has("--quiet") });
  }
}
