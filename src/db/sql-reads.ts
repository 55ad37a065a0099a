// Compiles the common Prisma reads (findUnique/findFirst/findMany/count with
// where, select/include of relations, orderBy, skip/take) into ONE SQL statement
// that builds each row, relations included, as JSON in the database — the way
// PostGraphile answers a GraphQL query. Prisma's query compiler and interpreter
// cost about 1 ms of CPU per operation before any SQL is sent; this costs a tenth.
//
// It knows nothing of tenants: the caller runs the statement inside its tenant
// transaction (row-level security applies exactly as to Prisma's statements).
// Anything it does not understand — a filter, an argument, a type — makes it
// return null, and the caller lets Prisma run the operation as before. Results
// have Prisma's shape and types (Date, BigInt, Decimal, parsed Json), which
// tests/db/sql-reads.test.ts checks against Prisma itself, argument by argument.
import { Prisma } from "../generated/prisma/index.js";
import { getDatamodel } from "../generated/pothos-types.js";

interface FieldMeta {
  name: string;
  kind: "scalar" | "enum" | "object";
  type: string;
  isList: boolean;
  relationName?: string;
  relationFromFields?: string[];
}

interface ModelMeta {
  name: string;
  fields: Map<string, FieldMeta>;
  scalars: FieldMeta[];
  primaryKey: string[];
  /** Compound unique inputs by their Prisma name (`tenantId_id`). */
  compound: Map<string, string[]>;
}

const MODELS: Map<string, ModelMeta> = (() => {
  const dm = getDatamodel().datamodel.models as unknown as Record<string, { fields: FieldMeta[]; primaryKey: { name: string | null; fields: string[] } | null; uniqueIndexes: { name: string | null; fields: string[] }[] }>;
  const out = new Map<string, ModelMeta>();
  for (const [name, m] of Object.entries(dm)) {
    const fields = new Map(m.fields.map((f) => [f.name, f]));
    const pk = m.primaryKey?.fields ?? m.fields.filter((f) => (f as { isId?: boolean }).isId).map((f) => f.name);
    const compound = new Map<string, string[]>();
    for (const u of [...(m.primaryKey ? [m.primaryKey] : []), ...m.uniqueIndexes]) {
      if (u.fields.length > 1) compound.set(u.name ?? u.fields.join("_"), u.fields);
    }
    out.set(name, { name, fields, scalars: m.fields.filter((f) => f.kind !== "object"), primaryKey: pk, compound });
  }
  return out;
})();

/** Scalar types this compiler reads and filters; anything else (Bytes, Decimal filters…) goes to Prisma. */
const READABLE = new Set(["String", "Int", "Float", "Boolean", "DateTime", "Json", "BigInt", "Decimal"]);

class Unsupported extends Error {}
const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

export interface CompiledRead {
  sql: string;
  params: unknown[];
  /** Turns the statement's rows into what Prisma would have returned. */
  decode(rows: { j: unknown }[]): unknown;
}

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

class Builder {
  readonly params: unknown[] = [];
  private aliases = 0;
  alias(): string {
    return `t${this.aliases++}`;
  }
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

// ------------------------------------------------------------------ selection

type Decoder = (value: any) => any;

interface Relation {
  field: FieldMeta;
  target: ModelMeta;
  /** Pairs [column on the parent, column on the child] that join them. */
  on: [string, string][];
  toMany: boolean;
}

function relationOf(model: ModelMeta, field: FieldMeta): Relation {
  const target = MODELS.get(field.type) ?? unsupported(`model ${field.type}`);
  if (field.relationFromFields?.length) {
    const to = target.primaryKey;
    if (to.length !== field.relationFromFields.length) unsupported(`relation ${model.name}.${field.name}`);
    return { field, target, on: field.relationFromFields.map((f, i) => [f, to[i]!]), toMany: field.isList };
  }
  const back = [...target.fields.values()].find((f) => f.kind === "object" && f.relationName === field.relationName && f !== field);
  if (!back?.relationFromFields?.length || back.relationFromFields.length !== model.primaryKey.length) unsupported(`relation ${model.name}.${field.name}`);
  return { field, target, on: model.primaryKey.map((p, i) => [p, back!.relationFromFields![i]!]), toMany: field.isList };
}

function scalarJson(alias: string, f: FieldMeta): string {
  if (!READABLE.has(f.type) && f.kind !== "enum") unsupported(`type ${f.type}`);
  const col = `${alias}.${q(f.name)}`;
  // JSON numbers lose precision past 2^53: BigInt and Decimal travel as text.
  return f.type === "BigInt" || f.type === "Decimal" ? (f.isList ? `${col}::text[]` : `${col}::text`) : col;
}

function scalarDecoder(f: FieldMeta): Decoder | null {
  const one: Decoder | null =
    f.type === "DateTime" ? toDate : f.type === "BigInt" ? (v) => BigInt(v) : f.type === "Decimal" ? (v) => new Prisma.Decimal(v) : null;
  if (!one) return null;
  return f.isList ? (v) => (v === null ? null : (v as unknown[]).map(one)) : (v) => (v === null ? null : one(v));
}

/** PostgreSQL's JSON for timestamp(3) has no zone (Prisma stores UTC); a date column has no time. */
function toDate(v: string): Date {
  if (v.length === 10) return new Date(`${v}T00:00:00Z`);
  return new Date(/(Z|[+-]\d\d(:?\d\d)?)$/.test(v) ? v : `${v}Z`);
}

/** `json_build_object(...)` for one row of `model` under `alias`, and the decoder of that object. */
function selectionJson(b: Builder, model: ModelMeta, alias: string, args: Record<string, any> | undefined): { sql: string; decode: Decoder } {
  const a = args ?? {};
  if (a.select && a.include) unsupported("select and include");
  const pairs: string[] = [];
  const decoders: [string, Decoder][] = [];
  const addScalar = (f: FieldMeta) => {
    pairs.push(`'${f.name}', ${scalarJson(alias, f)}`);
    const d = scalarDecoder(f);
    if (d) decoders.push([f.name, d]);
  };
  const addRelation = (f: FieldMeta, value: unknown) => {
    const rel = relationOf(model, f);
    const nested = value === true ? {} : (value as Record<string, any>);
    const sub = relationJson(b, rel, alias, nested);
    pairs.push(`'${f.name}', ${sub.sql}`);
    decoders.push([f.name, sub.decode]);
  };
  if (a.select) {
    for (const [key, value] of Object.entries(a.select as Record<string, unknown>)) {
      if (value === false || value === undefined) continue;
      const f = model.fields.get(key) ?? unsupported(`select ${key}`);
      if (f.kind === "object") addRelation(f, value);
      else if (value === true) addScalar(f);
      else unsupported(`select ${key}`);
    }
  } else {
    for (const f of model.scalars) addScalar(f);
    for (const [key, value] of Object.entries((a.include ?? {}) as Record<string, unknown>)) {
      if (value === false || value === undefined) continue;
      const f = model.fields.get(key);
      if (!f || f.kind !== "object") unsupported(`include ${key}`);
      addRelation(f!, value);
    }
  }
  if (pairs.length === 0) unsupported("empty selection");
  // json_build_object takes at most 100 arguments: larger objects are concatenated.
  const chunks: string[] = [];
  for (let i = 0; i < pairs.length; i += 50) chunks.push(`jsonb_build_object(${pairs.slice(i, i + 50).join(", ")})`);
  const sql = chunks.length === 1 ? `json_build_object(${pairs.join(", ")})` : `(${chunks.join(" || ")})::json`;
  const decode: Decoder = decoders.length
    ? (row) => {
        if (row === null) return null;
        for (const [k, d] of decoders) row[k] = d(row[k]);
        return row;
      }
    : (row) => row;
  return { sql, decode };
}

const RELATION_ARGS = new Set(["select", "include", "where", "orderBy", "take", "skip"]);

function relationJson(b: Builder, rel: Relation, parentAlias: string, args: Record<string, any>): { sql: string; decode: Decoder } {
  for (const k of Object.keys(args)) if (!RELATION_ARGS.has(k) && args[k] !== undefined) unsupported(`relation argument ${k}`);
  const alias = b.alias();
  const join = rel.on.map(([parent, child]) => `${alias}.${q(child)} = ${parentAlias}.${q(parent)}`);
  const row = selectionJson(b, rel.target, alias, args);
  const where = args.where ? whereSql(b, rel.target, alias, args.where) : null;
  const conditions = [...join, ...(where ? [where] : [])].join(" AND ");
  if (!rel.toMany) {
    if (args.where || args.orderBy || args.take !== undefined || args.skip !== undefined) unsupported("arguments on a to-one relation");
    return { sql: `(SELECT ${row.sql} FROM ${q(rel.target.name)} ${alias} WHERE ${conditions})`, decode: row.decode };
  }
  const page = pageSql(b, rel.target, alias, args);
  const inner = `SELECT ${row.sql} AS j, row_number() OVER (${page.order ? `ORDER BY ${page.order}` : ""}) AS n FROM ${q(rel.target.name)} ${alias} WHERE ${conditions}${page.tail}`;
  const sql = `(SELECT coalesce(json_agg(s.j ORDER BY s.n ${page.reversed ? "DESC" : "ASC"}), '[]'::json) FROM (${inner}) s)`;
  return { sql, decode: (list) => (list as unknown[]).map(row.decode) };
}

// ------------------------------------------------------------------ ordering and paging

function orderSql(model: ModelMeta, alias: string, orderBy: unknown, reverse: boolean): string | null {
  if (orderBy === undefined) return null;
  const items = Array.isArray(orderBy) ? orderBy : [orderBy];
  const parts: string[] = [];
  for (const item of items as Record<string, unknown>[]) {
    for (const [key, spec] of Object.entries(item)) {
      const f = model.fields.get(key);
      if (!f || f.kind === "object" || f.isList) unsupported(`orderBy ${key}`);
      let dir: string;
      let nulls: string | undefined;
      if (spec === "asc" || spec === "desc") dir = spec;
      else if (spec && typeof spec === "object" && ((spec as any).sort === "asc" || (spec as any).sort === "desc")) {
        dir = (spec as any).sort;
        nulls = (spec as any).nulls;
        if (nulls !== undefined && nulls !== "first" && nulls !== "last") unsupported("nulls");
      } else return unsupported(`orderBy ${key}`);
      if (reverse) {
        dir = dir === "asc" ? "desc" : "asc";
        if (nulls) nulls = nulls === "first" ? "last" : "first";
      }
      parts.push(`${alias}.${q(key)} ${dir.toUpperCase()}${nulls ? ` NULLS ${nulls.toUpperCase()}` : ""}`);
    }
  }
  return parts.length ? parts.join(", ") : null;
}

function intArg(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isInteger(v)) unsupported(name);
  return v as number;
}

/**
 * ORDER BY, LIMIT and OFFSET for `take`/`skip`. A negative `take` is Prisma's "the
 * last n": read them in the reverse order, and hand them back in the asked order.
 */
function pageSql(b: Builder, model: ModelMeta, alias: string, args: Record<string, any>): { order: string | null; tail: string; reversed: boolean } {
  const take = args.take === undefined ? undefined : intArg(args.take, "take");
  const skip = args.skip === undefined ? undefined : intArg(args.skip, "skip");
  const reversed = take !== undefined && take < 0;
  const order = orderSql(model, alias, args.orderBy, reversed);
  if (reversed && !order) unsupported("negative take without orderBy");
  let tail = order ? ` ORDER BY ${order}` : "";
  if (take !== undefined) tail += ` LIMIT ${b.param(Math.abs(take))}`;
  if (skip !== undefined && skip !== 0) tail += ` OFFSET ${b.param(skip)}`;
  return { order, tail, reversed };
}

// ------------------------------------------------------------------ filters

const SCALAR_OPS = new Set(["equals", "in", "notIn", "not", "lt", "lte", "gt", "gte", "contains", "startsWith", "endsWith", "mode", "has"]);

function paramValue(f: FieldMeta, v: unknown): unknown {
  if (v instanceof Date) {
    if (f.type !== "DateTime") unsupported("date value");
    if (Number.isNaN(v.getTime())) unsupported("invalid date");
    return v.toISOString().slice(0, -1); // UTC, as Prisma stores it, for a column without zone
  }
  if (typeof v === "bigint") return v.toString();
  if (v !== null && typeof v === "object") unsupported("object value");
  if (f.type === "DateTime" && typeof v === "string") {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) unsupported("date string");
    return d.toISOString().slice(0, -1);
  }
  if (f.type === "Json" || f.type === "Decimal") unsupported(`filter on ${f.type}`);
  return v;
}

/** A PostgreSQL array literal: its element type is inferred from the column, enums included, on both engines. */
function arrayLiteral(values: unknown[]): string {
  return `{${values.map((v) => `"${String(v).replace(/["\\]/g, (c) => `\\${c}`)}"`).join(",")}}`;
}

/** Only plain objects are filters: Prisma.DbNull, Decimal and other instances are values Prisma alone reads. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

function scalarFilter(b: Builder, f: FieldMeta, col: string, filter: unknown): string {
  if (f.type === "Json" || f.type === "Decimal" || f.type === "Bytes") unsupported(`filter on ${f.type}`);
  if (filter === null) return `${col} IS NULL`;
  if (typeof filter === "object" && !(filter instanceof Date) && !isPlainObject(filter)) unsupported("filter value");
  if (typeof filter !== "object" || filter instanceof Date) {
    if (f.isList) unsupported("list equality");
    return `${col} = ${b.param(paramValue(f, filter))}`;
  }
  const ops = filter as Record<string, unknown>;
  const parts: string[] = [];
  const insensitive = ops.mode === "insensitive";
  if (ops.mode !== undefined && ops.mode !== "insensitive" && ops.mode !== "default") unsupported("mode");
  for (const [op, value] of Object.entries(ops)) {
    if (value === undefined || op === "mode") continue;
    if (!SCALAR_OPS.has(op)) unsupported(`filter ${op}`);
    if (f.isList !== (op === "has")) unsupported(`filter ${op} on ${f.isList ? "a list" : "a scalar"}`);
    switch (op) {
      case "equals":
        if (insensitive) unsupported("insensitive equals");
        parts.push(value === null ? `${col} IS NULL` : `${col} = ${b.param(paramValue(f, value))}`);
        break;
      case "in":
      case "notIn": {
        if (!Array.isArray(value)) unsupported(op);
        const list = (value as unknown[]).map((v) => paramValue(f, v));
        if (list.some((v) => v === null)) unsupported(`null in ${op}`);
        if (list.length === 0) parts.push(op === "in" ? "FALSE" : "TRUE");
        else parts.push(op === "in" ? `${col} = ANY(${b.param(arrayLiteral(list))})` : `NOT (${col} = ANY(${b.param(arrayLiteral(list))}))`);
        break;
      }
      case "not":
        if (value === null) parts.push(`${col} IS NOT NULL`);
        else if (isPlainObject(value)) parts.push(`NOT (${scalarFilter(b, f, col, value)})`);
        else if (typeof value === "object" && !(value instanceof Date)) unsupported("not value");
        // Prisma's `not: x` also keeps rows whose column is NULL.
        else parts.push(`(${col} <> ${b.param(paramValue(f, value))} OR ${col} IS NULL)`);
        break;
      case "lt":
      case "lte":
      case "gt":
      case "gte": {
        const sym = { lt: "<", lte: "<=", gt: ">", gte: ">=" }[op];
        parts.push(`${col} ${sym} ${b.param(paramValue(f, value))}`);
        break;
      }
      case "contains":
      case "startsWith":
      case "endsWith": {
        if (typeof value !== "string" || f.type !== "String") unsupported(op);
        // Like Prisma, the value is not escaped: % and _ in it are wildcards.
        const v = value as string;
        const pattern = op === "contains" ? `%${v}%` : op === "startsWith" ? `${v}%` : `%${v}`;
        parts.push(`${col} ${insensitive ? "ILIKE" : "LIKE"} ${b.param(pattern)}`);
        break;
      }
      case "has":
        if (value === null) unsupported("has null");
        parts.push(`${b.param(paramValue(f, value))} = ANY(${col})`);
        break;
    }
  }
  return parts.length ? parts.join(" AND ") : "TRUE";
}

function whereSql(b: Builder, model: ModelMeta, alias: string, where: unknown): string {
  if (where === undefined || where === null) return "TRUE";
  if (!isPlainObject(where)) unsupported("where");
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (key === "AND" || key === "NOT") {
      const list = Array.isArray(value) ? value : [value];
      const inner = list.map((w) => whereSql(b, model, alias, w));
      const joined = inner.length ? inner.map((s) => `(${s})`).join(" AND ") : "TRUE";
      parts.push(key === "AND" ? joined : `NOT (${joined})`);
    } else if (key === "OR") {
      if (!Array.isArray(value)) unsupported("OR");
      parts.push((value as unknown[]).length ? `(${(value as unknown[]).map((w) => `(${whereSql(b, model, alias, w)})`).join(" OR ")})` : "FALSE");
    } else if (model.compound.has(key)) {
      const fields = model.compound.get(key)!;
      const v = value as Record<string, unknown>;
      for (const name of fields) {
        if (v?.[name] === undefined || v[name] === null) unsupported(`compound ${key}`);
        parts.push(`${alias}.${q(name)} = ${b.param(paramValue(model.fields.get(name)!, v[name]))}`);
      }
    } else {
      const f = model.fields.get(key) ?? unsupported(`where ${key}`);
      if (f.kind === "object") unsupported(`relation filter ${key}`);
      if (!READABLE.has(f.type) && f.kind !== "enum") unsupported(`type ${f.type}`);
      parts.push(scalarFilter(b, f, `${alias}.${q(key)}`, value));
    }
  }
  return parts.length ? parts.map((p) => `(${p})`).join(" AND ") : "TRUE";
}

// ------------------------------------------------------------------ operations

const FIND_ARGS = new Set(["where", "select", "include", "orderBy", "take", "skip"]);
export const COMPILED_OPERATIONS = new Set(["findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany", "count"]);

function notFound(model: string): Error {
  return new Prisma.PrismaClientKnownRequestError("No record was found for a query.", {
    code: "P2025",
    clientVersion: Prisma.prismaVersion.client,
    meta: { modelName: model, cause: "No record was found for a query." },
  });
}

/** The statement for one Prisma read, or null when Prisma must run it. */
export function compileRead(modelName: string | undefined, operation: string, rawArgs: unknown): CompiledRead | null {
  if (!modelName || !COMPILED_OPERATIONS.has(operation)) return null;
  const model = MODELS.get(modelName);
  if (!model) return null;
  try {
    return compile(model, operation, (rawArgs ?? {}) as Record<string, any>);
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}

function compile(model: ModelMeta, operation: string, args: Record<string, any>): CompiledRead {
  for (const k of Object.keys(args)) if (!FIND_ARGS.has(k) && args[k] !== undefined) unsupported(`argument ${k}`);
  const b = new Builder();
  const alias = b.alias();
  if (operation === "count") {
    if (args.select || args.include || args.orderBy || args.take !== undefined || args.skip !== undefined) unsupported("count arguments");
    const where = whereSql(b, model, alias, args.where);
    return {
      sql: `SELECT count(*)::int AS j FROM ${q(model.name)} ${alias} WHERE ${where}`,
      params: b.params,
      decode: (rows) => rows[0]!.j,
    };
  }
  const row = selectionJson(b, model, alias, args);
  const where = whereSql(b, model, alias, args.where);
  const many = operation === "findMany";
  const single = operation.startsWith("findUnique");
  if (single && (args.orderBy || args.take !== undefined || args.skip !== undefined)) unsupported("paging a findUnique");
  const page = single ? { tail: " LIMIT 1", reversed: false } : pageSql(b, model, alias, many ? args : { ...args, take: args.take ?? 1 });
  if (!many && page.reversed) unsupported("findFirst with a negative take");
  const sql = `SELECT ${row.sql} AS j FROM ${q(model.name)} ${alias} WHERE ${where}${page.tail}`;
  const orThrow = operation.endsWith("OrThrow");
  return {
    sql,
    params: b.params,
    decode(rows) {
      const list = rows.map((r) => row.decode(r.j));
      if (many) return page.reversed ? list.reverse() : list;
      if (list.length === 0) {
        if (orThrow) throw notFound(model.name);
        return null;
      }
      return list[0];
    },
  };
}
