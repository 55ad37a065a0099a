import type { TenantTx } from "../tenants/scoped-db.js";

/**
 * The next value of a per-tenant sequence (ticket numbers). The upsert takes a row
 * lock, so concurrent callers in one tenant get consecutive values and never the same one.
 */
export async function nextNumber(tx: TenantTx, tenantId: string, sequence: string): Promise<number> {
  const counter = await tx.tenantCounter.upsert({
    where: { tenantId_id: { tenantId, id: sequence } },
    create: { tenantId, id: sequence, value: 1 },
    update: { value: { increment: 1 } },
  });
  return counter.value;
}
