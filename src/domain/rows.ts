// Whole rows read with SQL of our own, as the same objects Prisma's model queries return:
// for what Prisma cannot do, such as locking a row as it is read (one statement instead
// of a lock and a read). tests/domain/rows.test.ts holds the objects equal to Prisma's.
import { Prisma } from "../generated/prisma/index.js";

const columnLists = new Map<string, Prisma.Sql>();

/**
 * The select list of a model's scalar fields, named as Prisma names them; enums are read
 * as text (what Prisma returns for them). `alias` qualifies the columns.
 */
export function columnsOf(model: Prisma.ModelName, alias?: string): Prisma.Sql {
  const key = `${model}:${alias ?? ""}`;
  let list = columnLists.get(key);
  if (!list) {
    const fields = Prisma.dmmf.datamodel.models.find((m) => m.name === model)!.fields.filter((f) => f.kind === "scalar" || f.kind === "enum");
    const prefix = alias ? `"${alias}".` : "";
    list = Prisma.raw(fields.map((f) => `${prefix}"${f.dbName ?? f.name}"${f.kind === "enum" ? "::text" : ""} AS "${f.name}"`).join(", "));
    columnLists.set(key, list);
  }
  return list;
}
