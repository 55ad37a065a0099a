// Tenants, operators, memberships and API keys: the global tables that decide
// who may act for which tenant. Used by the CLI, the demo seed and admin mutations.
import type { ApiKey, ApiScope, Operator, Role, Tenant } from "../generated/prisma/index.js";
import { Prisma } from "../generated/prisma/index.js";
import type { Actor } from "../domain/actor.js";
import { recordAudit } from "../domain/audit.js";
import { releaseReviews } from "../domain/compliance.js";
import { ConflictError, NotFoundError, ValidationError } from "../domain/errors.js";
import { BACK_OFFICE_ROLES } from "./permissions.js";
import type { RootDb, TenantScopes, TenantTx } from "./scoped-db.js";
import { hashPassword, randomToken, sha256Hex } from "./secrets.js";
import { readSettings, TenantSettingsSchema, type TenantSettings, type TenantSettingsPatch } from "./settings.js";

export const API_KEY_PREFIX = "tdm_";
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MIN_PASSWORD_LENGTH = 10;

export type ApiKeyInfo = Omit<ApiKey, "secretHash">;

export interface CreatedApiKey {
  apiKey: ApiKeyInfo;
  /** Shown once: only its hash is stored. */
  secret: string;
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

function publicKey({ secretHash: _hash, ...key }: ApiKey): ApiKeyInfo {
  return key;
}

export class Directory {
  /**
   * @param root the root client, or a transaction of it (see `transaction`): every
   *   method then runs inside that one transaction.
   */
  constructor(
    private readonly root: RootDb | TenantTx,
    private readonly scopes: TenantScopes,
    private readonly inTransaction = false,
  ) {}

  /**
   * Told after a committed change to what a credential grants (a key revoked, a
   * membership added, changed or removed, a tenant changed), so the cached API keys and
   * operators are dropped: see `Services.accessChanged`.
   */
  accessChanged: (tenantId: string) => void = () => undefined;

  /**
   * Runs `fn` with a Directory bound to one root transaction: everything it writes
   * (tenants, operators, memberships, keys, audit events, and the tenant rows written
   * with `asTenant`) commits together or not at all. The demo seed uses it.
   */
  transaction<T>(
    fn: (directory: Directory, tx: { asTenant<R>(tenantId: string, work: (tx: TenantTx) => Promise<R>): Promise<R>; root: TenantTx }) => Promise<T>,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    if (this.inTransaction) throw new Error("Directory.transaction cannot be nested.");
    const changed = new Set<string>();
    return (this.root as RootDb)
      .$transaction(
        (tx) => {
          const bound = new Directory(tx, this.scopes, true);
          // Told once the transaction has committed, not before.
          bound.accessChanged = (tenantId) => void changed.add(tenantId);
          return fn(bound, { root: tx, asTenant: (tenantId, work) => this.scopes.within(tx, tenantId, work) });
        },
        { timeout: options.timeoutMs ?? 30_000, maxWait: 10_000 },
      )
      .then((result) => {
        for (const tenantId of changed) this.accessChanged(tenantId);
        return result;
      });
  }

  /** One root transaction for a change and its audit event (or the current one, when already in a transaction). */
  private atomically<T>(fn: (db: TenantTx) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this.root as TenantTx);
    return (this.root as RootDb).$transaction((tx) => fn(tx), { timeout: 10_000, maxWait: 10_000 });
  }

  // ------------------------------------------------------------ tenants

  async createTenant(input: { slug: string; name: string; settings?: Partial<TenantSettings> }): Promise<Tenant> {
    if (!SLUG.test(input.slug)) {
      throw new ValidationError("slug", "A tenant slug is 1–63 lowercase letters, digits or dashes, not starting or ending with a dash.");
    }
    const name = input.name.trim();
    if (!name || name.length > 200) throw new ValidationError("name", "A tenant name is 1–200 characters.");
    const settings = TenantSettingsSchema.safeParse(input.settings ?? {});
    if (!settings.success) {
      const issue = settings.error.issues[0]!;
      throw new ValidationError(`settings.${issue.path.join(".")}`, `Tenant settings: ${issue.path.join(".")} ${issue.message}.`);
    }
    try {
      return await this.root.tenant.create({ data: { slug: input.slug, name, settings: settings.data } });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`A tenant with slug "${input.slug}" already exists.`);
      throw err;
    }
  }

  /**
   * Renames a tenant or changes its settings. Settings are merged: only the fields
   * given change (one SLA priority, one bot option), and the result is validated as a
   * whole, so a tenant never holds settings it could not have been created with.
   */
  async updateTenant(tenantRef: string, input: { name?: string | null; settings?: TenantSettingsPatch }, actor: Actor): Promise<Tenant> {
    const tenant = await this.getTenant(tenantRef);
    const name = input.name == null ? tenant.name : input.name.trim();
    if (!name || name.length > 200) throw new ValidationError("name", "A tenant name is 1–200 characters.");
    const current = readSettings(tenant.settings);
    const patch = input.settings ?? {};
    const parsed = TenantSettingsSchema.safeParse({
      ...current,
      ...(patch.locale != null ? { locale: patch.locale } : {}),
      ...(patch.timeZone != null ? { timeZone: patch.timeZone } : {}),
      slaPolicy: { ...current.slaPolicy, ...patch.slaPolicy },
      bot: { ...current.bot, ...patch.bot },
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ValidationError(`settings.${issue.path.join(".")}`, `Tenant settings: ${issue.path.join(".")} ${issue.message}.`);
    }
    for (const [priority, target] of Object.entries(parsed.data.slaPolicy)) {
      if (target.firstResponseMinutes > target.resolutionMinutes) {
        throw new ValidationError(`settings.slaPolicy.${priority}`, `The ${priority} first response (${target.firstResponseMinutes} min) cannot be due after the resolution (${target.resolutionMinutes} min).`);
      }
    }
    const updated = await this.atomically(async (db) => {
      const after = await db.tenant.update({ where: { id: tenant.id }, data: { name, settings: parsed.data } });
      await this.scopes.within(db, tenant.id, (tx) =>
        recordAudit(tx, tenant.id, actor, {
          action: "tenant.updated",
          entityType: "Tenant",
          entityId: tenant.id,
          before: { name: tenant.name, settings: current },
          after: { name: after.name, settings: parsed.data },
        }),
      );
      return after;
    });
    this.accessChanged(tenant.id);
    return updated;
  }

  async hasTenants(): Promise<boolean> {
    return (await this.root.tenant.count()) > 0;
  }

  listTenants(): Promise<Tenant[]> {
    return this.root.tenant.findMany({ orderBy: { slug: "asc" } });
  }

  /** By slug or id. */
  async findTenant(ref: string): Promise<Tenant | null> {
    return this.root.tenant.findFirst({ where: { OR: [{ slug: ref }, { id: ref }] } });
  }

  async getTenant(ref: string): Promise<Tenant> {
    const tenant = await this.findTenant(ref);
    if (!tenant) throw new NotFoundError("Tenant", JSON.stringify(ref));
    return tenant;
  }

  // ------------------------------------------------------------ operators

  async createOperator(input: { email: string; name: string; password: string; isBpoAdmin?: boolean }): Promise<Operator> {
    const email = input.email.trim().toLowerCase();
    if (!EMAIL.test(email) || email.length > 254) throw new ValidationError("email", `"${input.email}" is not an email address.`);
    const name = input.name.trim();
    if (!name || name.length > 200) throw new ValidationError("name", "An operator name is 1–200 characters.");
    if (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > 1024) {
      throw new ValidationError("password", `A password is at least ${MIN_PASSWORD_LENGTH} characters.`);
    }
    try {
      return await this.root.operator.create({
        data: { email, name, passwordHash: await hashPassword(input.password), isBpoAdmin: input.isBpoAdmin ?? false },
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`An operator with email ${email} already exists.`);
      throw err;
    }
  }

  async getOperatorByEmail(email: string): Promise<Operator> {
    const operator = await this.root.operator.findUnique({ where: { email: email.trim().toLowerCase() } });
    if (!operator) throw new NotFoundError("Operator", email);
    return operator;
  }

  // ------------------------------------------------------------ memberships

  /** Gives the operator a role in the tenant, or changes the role they have; the change and its audit event are one transaction. */
  async addMember(tenantRef: string, email: string, role: Role, actor: Actor) {
    const tenant = await this.getTenant(tenantRef);
    const operator = await this.getOperatorByEmail(email);
    const where = { tenantId_operatorId: { tenantId: tenant.id, operatorId: operator.id } };
    const membership = await this.atomically(async (db) => {
      const before = await db.membership.findUnique({ where });
      const after = await db.membership.upsert({ where, create: { tenantId: tenant.id, operatorId: operator.id, role }, update: { role } });
      await this.audit(db, tenant.id, actor, before ? "membership.role_changed" : "membership.added", after.id, before, after);
      // No longer back office: the undecided compliance checks they review go back to the pool, in this transaction.
      if (!BACK_OFFICE_ROLES.includes(role)) await this.scopes.within(db, tenant.id, (tx) => releaseReviews(tx, tenant.id, actor, operator.id));
      return after;
    });
    this.accessChanged(tenant.id);
    return { membership, tenant, operator };
  }

  async removeMember(tenantRef: string, email: string, actor: Actor) {
    const tenant = await this.getTenant(tenantRef);
    const operator = await this.getOperatorByEmail(email);
    const where = { tenantId_operatorId: { tenantId: tenant.id, operatorId: operator.id } };
    const membership = await this.atomically(async (db) => {
      // deleteMany: a concurrent removal makes this one "not found" instead of an error.
      const found = await db.membership.findUnique({ where });
      if (!found || (await db.membership.deleteMany({ where: { tenantId: tenant.id, id: found.id } })).count === 0) {
        throw new NotFoundError("Membership", `of ${operator.email} in ${tenant.slug}`);
      }
      await this.audit(db, tenant.id, actor, "membership.removed", found.id, found, null);
      await this.scopes.within(db, tenant.id, (tx) => releaseReviews(tx, tenant.id, actor, operator.id));
      return found;
    });
    this.accessChanged(tenant.id);
    return { membership, tenant, operator };
  }

  membershipsOf(operatorId: string) {
    return this.root.membership.findMany({
      where: { operatorId },
      include: { tenant: true },
      orderBy: { tenant: { slug: "asc" } },
    });
  }

  /** Operators with a role in the tenant (for assignment and display), without secrets. */
  async membersOf(tenantId: string, operatorIds?: readonly string[]) {
    const rows = await this.root.membership.findMany({
      where: { tenantId, ...(operatorIds ? { operatorId: { in: [...operatorIds] } } : {}) },
      include: { operator: { select: { id: true, email: true, name: true, disabledAt: true } } },
    });
    return rows.map((m) => ({ role: m.role, ...m.operator }));
  }

  /**
   * Members by (tenant, operator) pairs across tenants, in two statements whatever the
   * number of tenants: the operator queue shows assignees of ten tenants at once.
   */
  async membersIn(pairs: readonly { tenantId: string; operatorId: string }[]) {
    if (!pairs.length) return [];
    const args = {
      where: { tenantId: { in: [...new Set(pairs.map((p) => p.tenantId))] }, operatorId: { in: [...new Set(pairs.map((p) => p.operatorId))] } },
      include: { operator: { select: { id: true, email: true, name: true, disabledAt: true } } },
    } satisfies Prisma.MembershipFindManyArgs;
    // Every operator list and queue page asks this: one compiled statement instead of Prisma's two.
    const prisma = () => this.root.membership.findMany(args);
    const rows = this.inTransaction ? await prisma() : await this.scopes.readGlobal("Membership", "findMany", args, prisma);
    const wanted = new Set(pairs.map((p) => `${p.tenantId}:${p.operatorId}`));
    return rows.filter((m) => wanted.has(`${m.tenantId}:${m.operatorId}`)).map((m) => ({ tenantId: m.tenantId, role: m.role, ...m.operator }));
  }

  // ------------------------------------------------------------ API keys

  async createApiKey(
    tenantRef: string,
    input: { name: string; scopes: ApiScope[]; expiresAt?: Date | null },
    actor: Actor,
  ): Promise<CreatedApiKey & { tenant: Tenant }> {
    const tenant = await this.getTenant(tenantRef);
    const name = input.name.trim();
    if (!name || name.length > 100) throw new ValidationError("name", "An API key name is 1–100 characters.");
    if (input.scopes.length === 0) throw new ValidationError("scopes", "An API key needs at least one scope.");
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new ValidationError("expiresAt", "The expiry must be in the future.");
    }
    const secret = API_KEY_PREFIX + randomToken(32);
    const apiKey = await this.atomically(async (db) => {
      const row = await db.apiKey.create({
        data: {
          tenantId: tenant.id,
          name,
          prefix: secret.slice(0, API_KEY_PREFIX.length + 6),
          secretHash: sha256Hex(secret),
          scopes: [...new Set(input.scopes)],
          expiresAt: input.expiresAt ?? null,
        },
      });
      const key = publicKey(row);
      await this.audit(db, tenant.id, actor, "api_key.created", key.id, null, key);
      return key;
    });
    return { apiKey, secret, tenant };
  }

  async listApiKeys(tenantRef: string): Promise<ApiKeyInfo[]> {
    const tenant = await this.getTenant(tenantRef);
    const rows = await this.root.apiKey.findMany({ where: { tenantId: tenant.id }, orderBy: { createdAt: "asc" } });
    return rows.map(publicKey);
  }

  /** Revokes the key and writes its audit event in one transaction; revoking a revoked key changes nothing. */
  async revokeApiKey(tenantRef: string, keyId: string, actor: Actor): Promise<ApiKeyInfo> {
    const tenant = await this.getTenant(tenantRef);
    const where = { tenantId_id: { tenantId: tenant.id, id: keyId } };
    const revoked = await this.atomically(async (db) => {
      const before = await db.apiKey.findUnique({ where });
      if (!before) throw new NotFoundError("API key", keyId);
      if (before.revokedAt) return publicKey(before);
      // Only a key that is still not revoked is changed: of two concurrent revocations, one writes and audits it.
      const changed = await db.apiKey.updateMany({ where: { tenantId: tenant.id, id: keyId, revokedAt: null }, data: { revokedAt: new Date() } });
      const after = await db.apiKey.findUniqueOrThrow({ where });
      if (changed.count === 1) await this.audit(db, tenant.id, actor, "api_key.revoked", keyId, publicKey(before), publicKey(after));
      return publicKey(after);
    });
    this.accessChanged(tenant.id);
    return revoked;
  }

  /** Appends the audit event inside `db`'s transaction, as the app role with the tenant set (the audit table is tenant-owned). */
  private async audit(db: TenantTx, tenantId: string, actor: Actor, action: string, entityId: string, before: unknown, after: unknown) {
    const entityType = action.split(".")[0] === "api_key" ? "ApiKey" : "Membership";
    await this.scopes.within(db, tenantId, (tx) => recordAudit(tx, tenantId, actor, { action, entityType, entityId, before, after }));
  }
}
