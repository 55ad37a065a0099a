// Writes schema.graphql from the code. A test fails when the committed file drifts.
import { writeFileSync } from "node:fs";
import { printedSchema, SCHEMA_FILE } from "../src/schema/print.js";

writeFileSync(SCHEMA_FILE, printedSchema());
console.log(`wrote ${SCHEMA_FILE}`);
