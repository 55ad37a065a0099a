import { defineConfig } from "vitest/config";

export default defineConfig({
  // One copy of graphql-js: mixing its ESM and CJS builds breaks `instanceof GraphQLError`.
  resolve: { alias: { graphql: "graphql/index.js" } },
  test: {
    include: ["tests/**/*.test.ts"],
    pool: "forks",
    // Two cores: more workers only contend for them.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default"],
  },
});
