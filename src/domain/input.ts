// Input checks shared by the rules: each failure names the field and what is allowed.
import { Prisma } from "../generated/prisma/index.js";
import { ConflictError, NotFoundError, ValidationError } from "./errors.js";

export function text(field: string, value: string, max: number, min = 1): string {
  const v = value.trim();
  if (v.length < min) throw new ValidationError(field, `${field} must not be empty.`);
  if (v.length > max) throw new ValidationError(field, `${field} is ${v.length} characters; the maximum is ${max}.`);
  return v;
}

export function optionalText(field: string, value: string | null | undefined, max: number): string | null | undefined {
  if (value === undefined || value === null) return value;
  const v = value.trim();
  if (!v) return null;
  return text(field, v, max);
}

export function tags(field: string, values: readonly string[] | null | undefined): string[] | undefined {
  if (!values) return undefined;
  if (values.length > 20) throw new ValidationError(field, "At most 20 tags.");
  const out = [...new Set(values.map((t) => t.trim().toLowerCase()))];
  for (const t of out) {
    if (!/^[\p{L}\p{N}][\p{L}\p{N}_:-]{0,39}$/u.test(t)) throw new ValidationError(field, `Tag "${t}" must be 1–40 letters, digits, "-", "_" or ":".`);
  }
  return out;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export function email(field: string, value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null || value.trim() === "") return value === undefined ? undefined : null;
  const v = value.trim().toLowerCase();
  if (!EMAIL.test(v) || v.length > 254) throw new ValidationError(field, `"${value}" is not an email address.`);
  return v;
}

export function phone(field: string, value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null || value.trim() === "") return value === undefined ? undefined : null;
  const v = value.replace(/[\s().-]/g, "");
  if (!/^\+?[1-9]\d{5,14}$/.test(v)) throw new ValidationError(field, `"${value}" is not a phone number (E.164, e.g. +4915112345678).`);
  return v.startsWith("+") ? v : `+${v}`;
}

export function isUniqueViolation(err: unknown): err is Prisma.PrismaClientKnownRequestError {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

export function must<T>(row: T | null | undefined, entity: string, ref?: string): T {
  if (!row) throw new NotFoundError(entity, ref);
  return row;
}

/** Turns a unique violation into a ConflictError naming what already exists. */
export async function unique<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(`${what} already exists in this tenant.`);
    throw err;
  }
}

/** A calendar date "YYYY-MM-DD" (midnight UTC); anything else, or an impossible date, names the field. */
export function isoDay(field: string, value: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(NaN);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new ValidationError(field, `"${value}" is not a date in the form YYYY-MM-DD.`);
  }
  return date;
}
