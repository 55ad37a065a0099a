// Prisma CLI configuration. The JS schema engine with a PGlite adapter lets
// `prisma generate` and `prisma migrate dev` work offline; migrations are applied
// at start-up and by `tandem migrate` through src/db/migrator.ts instead.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";

// The schema's `url = env("DATABASE_URL")` must resolve or the CLI tries to
// download a native engine; the adapter below is what is actually used.
process.env.DATABASE_URL ??= "postgresql://localhost:5432/unused";

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  engine: "js",
  experimental: { adapter: true },
  async adapter() {
    const dataDir = process.env.PRISMA_DEV_DATA_DIR ?? path.join(".data", "prisma-dev");
    mkdirSync(dataDir, { recursive: true });
    // The adapter bundles an older copy of the adapter types; it is compatible at run time.
    return new PrismaPGlite(new PGlite({ dataDir })) as never;
  },
});
