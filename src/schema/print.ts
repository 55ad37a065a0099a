import path from "node:path";
import { fileURLToPath } from "node:url";
import { lexicographicSortSchema, printSchema } from "graphql";
import { schema } from "./index.js";

export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../schema.graphql");

export function printedSchema(): string {
  return printSchema(lexicographicSortSchema(schema)) + "\n";
}
