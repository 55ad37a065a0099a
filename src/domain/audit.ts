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

/** Appends one event to the tenant's audit log, inside the caller's transaction. */
export async function recordAudit(tx: TenantTx, tenantId: string, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({
    data: {
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
    },
  });
}
