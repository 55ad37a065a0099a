import type { Prisma } from "../generated/prisma/index.js";
import type { TenantTx } from "../tenants/scoped-db.js";
import type { Actor } from "./actor.js";

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** JSON columns cannot hold BigInt or Date as such; store them as strings. */
function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
  ) as Prisma.InputJsonValue;
}

/** Transactions whose audit events are collected and written together (see deferAudits). */
const deferred = new WeakMap<TenantTx, Prisma.AuditEventCreateManyInput[]>();

/** Appends one event to the tenant's audit log, inside the caller's transaction. */
export async function recordAudit(tx: TenantTx, tenantId: string, actor: Actor, entry: AuditEntry): Promise<void> {
  const data = {
    tenantId,
    actorType: actor.type,
    actorId: actor.id ?? null,
    actorName: actor.name ?? null,
    requestId: actor.requestId ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    before: toJson(entry.before),
    after: toJson(entry.after),
  };
  const batch = deferred.get(tx);
  // The time it happened, not the time the batch is written.
  if (batch) batch.push({ ...data, createdAt: new Date() });
  else await tx.auditEvent.create({ data });
}

/**
 * From now on the audit events recorded in `tx` are kept and written in one statement by
 * `flushAudits(tx)`, which the caller runs before the transaction commits: they still
 * commit or roll back with the changes they describe. The bot's turns use it: one
 * customer message records several events.
 */
export function deferAudits(tx: TenantTx): void {
  if (!deferred.has(tx)) deferred.set(tx, []);
}

/** Writes the events `deferAudits` kept for `tx`; later events are written one by one again. */
export async function flushAudits(tx: TenantTx): Promise<void> {
  const batch = deferred.get(tx);
  deferred.delete(tx);
  if (batch?.length) await tx.auditEvent.createMany({ data: batch });
}
