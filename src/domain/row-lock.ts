// Read-decide-write on one back-office row, race-safe: the row is locked for the rest
// of the transaction, so of two concurrent changes the second decides on what the
// first wrote (and a transition that is no longer allowed is refused, not lost).
import { Prisma, type Role } from "../generated/prisma/index.js";
import type { TenantTx } from "../tenants/scoped-db.js";

const TABLES = {
  Record: Prisma.sql`"Record"`,
  ComplianceCheck: Prisma.sql`"ComplianceCheck"`,
  Settlement: Prisma.sql`"Settlement"`,
} as const;

/** Locks the row with this id in the scope's tenant; false when there is none (RLS hides other tenants' rows). */
export async function lockRow(tx: TenantTx, table: keyof typeof TABLES, id: string): Promise<boolean> {
  const rows = await tx.$queryRaw<unknown[]>`SELECT 1 FROM ${TABLES[table]} WHERE id = ${id} FOR UPDATE`;
  return rows.length > 0;
}

/** Says why a state machine refuses a move, naming the moves it allows. */
export function refusal(entity: string, from: string, to: string, allowed: readonly string[]): string {
  if (from === to) return `The ${entity} is already ${from}.`;
  if (allowed.length === 0) return `A ${from} ${entity} is final and cannot become ${to}.`;
  return `A ${from} ${entity} cannot become ${to}; it can become ${allowed.join(" or ")}.`;
}

/**
 * The operator's membership in the scope's tenant, share-locked for the rest of the transaction
 * (the database function `tandem_lock_membership`: the app role cannot read memberships itself).
 * A concurrent role change or removal waits until this transaction ends, so a decision taken on
 * this role stays true until the transaction commits. Null when the operator is not a member here.
 */
export async function lockMembership(tx: TenantTx, operatorId: string): Promise<{ role: Role; name: string; disabled: boolean } | null> {
  const rows = await tx.$queryRaw<{ role: Role; name: string; disabled: boolean }[]>`SELECT "role"::text AS "role", "name", "disabled" FROM tandem_lock_membership(${operatorId})`;
  return rows[0] ?? null;
}
