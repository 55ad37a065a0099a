import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/engine.js";
import { ensurePgliteTemplate, restorePgliteTemplate } from "../../src/db/pglite-template.js";

describe("embedded database template", () => {
  const root = mkdtempSync(path.join(tmpdir(), "tandem-template-"));
  const template = path.join(root, "cache", "pglite-initdb");
  beforeAll(async () => {
    expect(await ensurePgliteTemplate(template)).toEqual({ dir: template, created: true });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("is made once, and a new data folder starts from a copy of it as a working database", async () => {
    expect(await ensurePgliteTemplate(template)).toEqual({ dir: template, created: false });
    const dataDir = path.join(root, "first");
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, "tandem.lock"), "1"); // what openDatabase leaves there first
    expect(restorePgliteTemplate(dataDir, template)).toBe(true);
    expect(readdirSync(dataDir).filter((f) => f.startsWith(".template"))).toEqual([]);
    rmSync(path.join(dataDir, "tandem.lock"));
    const db = await openDatabase({ kind: "pglite", dataDir });
    try {
      await db.sql.exec(`CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)`);
    } finally {
      await db.close();
    }
    // A database is never overwritten: the next start finds its data.
    expect(restorePgliteTemplate(dataDir, template)).toBe(false);
    const again = await openDatabase({ kind: "pglite", dataDir });
    try {
      expect(await again.sql.query(`SELECT v FROM kept`)).toEqual([{ v: 7 }]);
    } finally {
      await again.close();
    }
  });

  it("redoes a copy that was cut short (no PG_VERSION yet) instead of taking it for a database", async () => {
    const dataDir = path.join(root, "cut-short");
    mkdirSync(path.join(dataDir, "base"), { recursive: true });
    writeFileSync(path.join(dataDir, "base", "junk"), "half a file");
    expect(restorePgliteTemplate(dataDir, template)).toBe(true);
    expect(existsSync(path.join(dataDir, "base", "junk"))).toBe(false);
    const db = await openDatabase({ kind: "pglite", dataDir });
    try {
      expect(await db.sql.query(`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });

  it("without a template leaves the folder to PGlite's own initdb", () => {
    const dataDir = path.join(root, "no-template");
    mkdirSync(dataDir);
    expect(restorePgliteTemplate(dataDir, path.join(root, "missing"))).toBe(false);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
