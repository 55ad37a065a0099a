// Settlements: money owed or due, exact, created idempotently and moved
// PENDING → CLEARED | FAILED, CLEARED → REVERSED (with a reason).
import { createHash } from "node:crypto";
import type { Prisma, Settlement, SettlementDirection, SettlementStatus } from "../generated/prisma/index.js";
import { recordAudit } from "./audit.js";
import type { TenantDeps } from "./deps.js";
import { ConflictError, ValidationError } from "./errors.js";
import { isUniqueViolation, must, optionalText, text } from "./input.js";
import { parseAmount } from "./money.js";

export const SETTLEMENT_TRANSITIONS: Record<SettlementStatus, readonly SettlementStatus[]> = {
  PENDING: ["CLEARED", "FAILED"],
  CLEARED: ["REVERSED"],
  FAILED: [],
  REVERSED: [],
};

export interface SettlementInput {
  idempotencyKey: string;
  reference: string;
  counterparty: string;
  amount: string;
  currency: string;
  direction: SettlementDirection;
  /** YYYY-MM-DD */
  valueDate: string;
  ticketId?: string | null;
  contactId?: string | null;
}

function valueDate(value: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = m ? new Date(`${value}T00:00:00Z`) : new Date(NaN);
  if (!m || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new ValidationError("valueDate", `"${value}" is not a date in the form YYYY-MM-DD.`);
  }
  return date;
}

/**
 * Creates a settlement once per idempotency key: repeating the same request returns
 * the same settlement; the same key with a different request is a conflict.
 */
export async function createSettlement(deps: TenantDeps, input: SettlementInput): Promise<{ settlement: Settlement; replayed: boolean }> {
  const idempotencyKey = text("idempotencyKey", input.idempotencyKey, 200);
  const currency = input.currency.trim().toUpperCase();
  const normalized = {
    reference: text("reference", input.reference, 100),
    counterparty: text("counterparty", input.counterparty, 200),
    amountMinor: parseAmount("amount", input.amount, currency),
    currency,
    direction: input.direction,
    valueDate: valueDate(input.valueDate),
    ticketId: input.ticketId ?? null,
    contactId: input.contactId ?? null,
  };
  const requestHash = createHash("sha256")
    .update(JSON.stringify({ ...normalized, amountMinor: normalized.amountMinor.toString(), valueDate: input.valueDate }))
    .digest("hex");
  const replay = async (): Promise<{ settlement: Settlement; replayed: boolean } | null> => {
    const existing = await deps.scope.db.settlement.findFirst({ where: { idempotencyKey } });
    if (!existing) return null;
    if (existing.requestHash !== requestHash) {
      throw new ConflictError(`Idempotency key "${idempotencyKey}" was already used for a different settlement.`);
    }
    return { settlement: existing, replayed: true };
  };
  const earlier = await replay();
  if (earlier) return earlier;
  const tenantId = deps.tenant.id;
  try {
    const settlement = await deps.scope.tx(async (tx) => {
      if (normalized.ticketId) must(await tx.ticket.findFirst({ where: { id: normalized.ticketId } }), "Ticket", normalized.ticketId);
      if (normalized.contactId) must(await tx.contact.findFirst({ where: { id: normalized.contactId } }), "Contact", normalized.contactId);
      const created = await tx.settlement.create({ data: { tenantId, ...normalized, idempotencyKey, requestHash } });
      await recordAudit(tx, tenantId, deps.actor, { action: "settlement.created", entityType: "Settlement", entityId: created.id, after: created });
      return created;
    });
    return { settlement, replayed: false };
  } catch (err) {
    // A concurrent request with the same key won the race: answer as a replay (or a conflict).
    if (isUniqueViolation(err)) {
      const raced = await replay();
      if (raced) return raced;
    }
    throw err;
  }
}

export async function transitionSettlement(deps: TenantDeps, id: string, status: SettlementStatus, reason?: string | null): Promise<Settlement> {
  const why = optionalText("reason", reason, 2_000);
  if (status === "REVERSED" && !why) throw new ValidationError("reason", "Reversing a settlement needs a reason.");
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    const before = must(await tx.settlement.findFirst({ where: { id } }), "Settlement", id);
    if (!SETTLEMENT_TRANSITIONS[before.status].includes(status)) {
      const allowed = SETTLEMENT_TRANSITIONS[before.status];
      throw new ValidationError("status", `A ${before.status} settlement cannot become ${status}${allowed.length ? `; it can become ${allowed.join(" or ")}` : ""}.`);
    }
    const data: Prisma.SettlementUpdateManyMutationInput = { status, statusReason: why ?? null, ...(status === "CLEARED" ? { settledAt: new Date() } : {}) };
    const { count } = await tx.settlement.updateMany({ where: { id, status: before.status }, data });
    if (count === 0) throw new ConflictError(`The settlement is no longer ${before.status}: another change won.`);
    const after = await tx.settlement.findFirstOrThrow({ where: { id } });
    await recordAudit(tx, tenantId, deps.actor, { action: `settlement.${status.toLowerCase()}`, entityType: "Settlement", entityId: id, before, after });
    return after;
  });
}
