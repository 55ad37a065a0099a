// Calendar days (value dates, cost periods) travel as YYYY-MM-DD and are kept as
// UTC midnight, so a day never shifts with the server's time zone.
import { ValidationError } from "./errors.js";

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** "2026-02-28" → 2026-02-28T00:00:00Z; "2026-02-30", "28.02.2026" and "2026-2-8" are refused. */
export function parseDay(field: string, value: string): Date {
  const date = DAY.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(NaN);
  // Date would roll 2026-02-30 over to March 2nd; a day that does not come back unchanged does not exist.
  if (Number.isNaN(date.getTime()) || formatDay(date) !== value) {
    throw new ValidationError(field, `"${value}" is not a date: use YYYY-MM-DD, e.g. 2026-11-30.`);
  }
  return date;
}

export function formatDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The first instant after the given day: days are inclusive, ranges on instants are half-open. */
export function dayAfter(date: Date): Date {
  return new Date(date.getTime() + MS_PER_DAY);
}
