// The PGlite driver adapter reports every database error as a generic "postgres"
// error, so Prisma cannot tell a unique violation (P2002) from any other failure.
// This wraps it to classify errors the way @prisma/adapter-pg does, so code that
// handles P2002/P2003 behaves the same on both engines.
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";

interface PostgresCause {
  kind: "postgres";
  code: string;
  message: string;
  detail?: string;
  column?: string;
}

function keyFields(detail?: string): { fields: string[] } | undefined {
  const fields = detail?.match(/Key \(([^)]+)\)/)?.[1]?.split(", ").map((f) => f.replace(/^"|"$/g, ""));
  return fields ? { fields } : undefined;
}

function classify(cause: PostgresCause): object | null {
  const base = { originalCode: cause.code, originalMessage: cause.message };
  switch (cause.code) {
    case "23505":
      return { ...base, kind: "UniqueConstraintViolation", constraint: keyFields(cause.detail) };
    case "23502":
      return { ...base, kind: "NullConstraintViolation", constraint: cause.column ? { fields: [cause.column] } : undefined };
    case "23503":
      return { ...base, kind: "ForeignKeyConstraintViolation", constraint: keyFields(cause.detail) };
    case "40001":
      return { ...base, kind: "TransactionWriteConflict" };
    case "22001":
      return { ...base, kind: "LengthMismatch", column: cause.column };
    case "22003":
      return { ...base, kind: "ValueOutOfRange", cause: cause.message };
    default:
      return null;
  }
}

function reclassify(err: unknown): never {
  const e = err as { name?: string; cause?: PostgresCause };
  if (e?.name === "DriverAdapterError" && e.cause?.kind === "postgres") {
    const mapped = classify(e.cause);
    if (mapped) e.cause = mapped as PostgresCause;
  }
  throw err;
}

const STATEMENT_METHODS = new Set(["queryRaw", "executeRaw", "executeScript"]);

/** Wraps every method so rejected promises are reclassified; transactions are wrapped too. */
function wrap<T extends object>(target: T, onStatement: () => void): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (typeof prop === "string" && STATEMENT_METHODS.has(prop)) onStatement();
        // BEGIN and COMMIT/ROLLBACK run inside PGlite's transaction(): count them as the server would.
        if (prop === "startTransaction") {
          onStatement();
          onStatement();
        }
        let result: unknown;
        try {
          result = value.apply(t, args);
        } catch (err) {
          reclassify(err);
        }
        if (result instanceof Promise) {
          return result.then((r) => (prop === "startTransaction" && r && typeof r === "object" ? wrap(r, onStatement) : r), reclassify);
        }
        return result;
      };
    },
  });
}

/** `onStatement` is called for every SQL statement, for the statement counters. */
export function pgliteAdapter(lite: PGlite, onStatement: () => void = () => undefined) {
  const factory = new PrismaPGlite(lite);
  return Object.assign(Object.create(Object.getPrototypeOf(factory)), factory, {
    connect: async () => wrap(await factory.connect(), onStatement),
  }) as PrismaPGlite;
}
