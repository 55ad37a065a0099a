// Settlements: money owed or due, exact, created idempotently and moved
// PENDING → CLEARED | FAILED, CLEARED → REVERSED (with a reason).
import { createHash } from "node:crypto";
import type { Settlement, SettlementDirection, SettlementStatus } from "../generated/prisma/index.js";
import { recordAudit } from "./audit.js";
import { resolveContactId } from "./contacts.js";
import { formatDay, parseDay } from "./dates.js";
import type { TenantDeps } from "./deps.js";
import { ConflictError, ValidationError } from "./errors.js";
import { isUniqueViolation, must, optionalText, text } from "./input.js";
import { currencyCode, parseAmount } from "./money.js";
import { lockRow, refusal } from "./row-lock.js";

/** The only moves a settlement can make. */
export const SETTLEMENT_TRANSITIONS: Record<SettlementStatus, readonly SettlementStatus[]> = {
  PENDING: ["CLEARED", "FAILED"],
  CLEARED: ["REVERSED"],
  FAILED: [],
  REVERSED: [],
};

export interface NewSettlement {
  idempotencyKey: string;
  reference: string;
  counterparty: string;
  /** Decimal string in the currency's unit, e.g. "1234.50". */
  amount: string;
  currency: string;
  direction: SettlementDirection;
  /** YYYY-MM-DD */
  valueDate: string;
  ticketId?: string | null;
  contactId?: string | null;
}

export interface CreatedSettlement {
  settlement: Settlement;
  /** True when an earlier request with the same key and body created it. */
  replayed: boolean;
}

/** The request as the rules understand it: equal requests normalise to equal values, and so to the same hash. */
function normalise(input: NewSettlement) {
  const currency = currencyCode("currency", input.currency);
  return {
    reference: text("reference", input.reference, 100),
    counterparty: text("counterparty", input.counterparty, 200),
    amountMinor: parseAmount("amount", input.amount, currency),
    currency,
    direction: input.direction,
    valueDate: parseDay("valueDate", input.valueDate),
    ticketId: input.ticketId ?? null,
    contactId: input.contactId ?? null,
  };
}

function requestHash(n: ReturnType<typeof normalise>): string {
  // Fixed key order, amounts as integer strings, days as YYYY-MM-DD: "10.50" and "10.5" are the same request.
  const canonical = [n.reference, n.counterparty, n.amountMinor.toString(), n.currency, n.direction, formatDay(n.valueDate), n.ticketId, n.contactId];
  return createHash("sha256").update(JSON.stringify(canonical)).digest("hex");
}

/**
 * Creates a settlement once per idempotency key: repeating the same request returns the
 * same settlement (and writes nothing); the same key with a different request is a conflict.
 * Two identical requests at the same moment meet at the unique (tenantId, idempotencyKey)
 * index: one inserts, the other gets the violation and answers as a replay.
 */
export async function createSettlement(deps: TenantDeps, input: NewSettlement): Promise<CreatedSettlement> {
  const idempotencyKey = text("idempotencyKey", input.idempotencyKey, 200);
  const normalised = normalise(input);
  const hash = requestHash(normalised);
  const replay = async (): Promise<CreatedSettlement | null> => {
    const existing = await deps.scope.db.settlement.findFirst({ where: { idempotencyKey } });
    if (!existing) return null;
    if (existing.requestHash !== hash) {
      throw new ConflictError(`Idempotency key "${idempotencyKey}" was already used for a different settlement (${existing.reference}); use a new key for a new settlement.`);
    }
    return { settlement: existing, replayed: true };
  };
  const earlier = await replay();
  if (earlier) return earlier;
  const tenantId = deps.tenant.id;
  try {
    const settlement = await deps.scope.tx(async (tx) => {
      const select = { id: true } as const;
      if (normalised.ticketId) must(await tx.ticket.findFirst({ where: { id: normalised.ticketId }, select }), "Ticket", normalised.ticketId);
      // The hash stays the request's own (a retry with the same ids replays), the link goes to the contact as merged now.
      const contactId = normalised.contactId ? await resolveContactId(tx, normalised.contactId) : null;
      const created = await tx.settlement.create({ data: { tenantId, ...normalised, contactId, idempotencyKey, requestHash: hash } });
      await recordAudit(tx, tenantId, deps.actor, { action: "settlement.created", entityType: "Settlement", entityId: created.id, after: created });
      return created;
    });
    return { settlement, replayed: false };
  } catch (err) {
    if (isUniqueViolation(err)) {
      const raced = await replay();
      if (raced) return raced;
    }
    throw err;
  }
}

export async function transitionSettlement(deps: TenantDeps, id: string, status: SettlementStatus, reason?: string | null): Promise<Settlement> {
  const why = optionalText("reason", reason, 2_000);
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    const before = must((await lockRow(tx, "Settlement", id)) ? await tx.settlement.findFirst({ where: { id } }) : null, "Settlement", id);
    const allowed = SETTLEMENT_TRANSITIONS[before.status];
    if (!allowed.includes(status)) throw new ValidationError("status", refusal("settlement", before.status, status, allowed));
    if (status === "REVERSED" && !why) throw new ValidationError("reason", "Reversing a settlement needs a reason, e.g. the chargeback or correction reference.");
    const data = { status, statusReason: why ?? null, ...(status === "CLEARED" ? { settledAt: new Date() } : {}) };
    // The status in the where clause as well as the lock: of two concurrent moves only one can win.
    const { count } = await tx.settlement.updateMany({ where: { id, status: before.status }, data });
    if (count !== 1) throw new ConflictError(`The settlement is no longer ${before.status}: another change won. Read it again.`);
    const after = await tx.settlement.findFirstOrThrow({ where: { id } });
    await recordAudit(tx, tenantId, deps.actor, { action: `settlement.${status.toLowerCase()}`, entityType: "Settlement", entityId: id, before, after });
    return after;
  });
}
