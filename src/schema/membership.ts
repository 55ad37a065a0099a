// The active tenant's team: who serves it, with which role; admins change it.
import type { Role } from "../generated/prisma/index.js";
import { ForbiddenError, ValidationError } from "../domain/errors.js";
import { builder } from "./builder.js";
import type { ApiContext } from "./context.js";
import { RoleEnum } from "./enums.js";
import { MUTATION_ERRORS } from "./errors.js";
import { OperatorRef } from "./operator.js";
import { activeTenantId } from "./tenant-node.js";

type Member = { id: string; email: string; name: string; isBpoAdmin: boolean; role: Role };

const MemberRef = builder.objectRef<Member>("Member").implement({
  description: "An operator with a role in the active tenant.",
  fields: (t) => ({
    operator: t.field({ type: OperatorRef, resolve: (m) => m }),
    role: t.field({ type: RoleEnum, resolve: (m) => m.role }),
  }),
});

builder.queryField("members", (t) =>
  t.field({
    type: [MemberRef],
    description: "Operators who serve the active tenant, e.g. to choose an assignee.",
    authScopes: { can: "front:read" },
    resolve: async (_root, _args, ctx) => {
      const rows = await ctx.services.directory.membersOf(activeTenantId(ctx));
      return rows.filter((m) => !m.disabledAt).map((m) => ({ id: m.id, email: m.email, name: m.name, isBpoAdmin: false, role: m.role }));
    },
  }),
);

const AddMemberInput = builder.inputType("AddMemberInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    role: t.field({ type: RoleEnum, required: true }),
  }),
});

/** Only an OWNER (or a BPO administrator) may make or unmake owners. */
function checkOwnerChange(ctx: ApiContext, role: Role | undefined): void {
  const caller = ctx.caller;
  const mayManageOwners = caller.kind === "operator" && (caller.role === "OWNER" || caller.operator.isBpoAdmin);
  if (role === "OWNER" && !mayManageOwners) throw new ForbiddenError("Only an OWNER can grant or remove the OWNER role.");
}

builder.mutationField("addMember", (t) =>
  t.field({
    type: MemberRef,
    description:
      "Gives an operator a role in the active tenant, or changes the role they have. A role without back-office work (AGENT, AUDITOR) takes them off the undecided compliance checks they review, in the same transaction.",
    authScopes: { can: "admin" },
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: AddMemberInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      if (!input.email.trim()) throw new ValidationError("email", "Email is required.");
      const tenantId = activeTenantId(ctx);
      checkOwnerChange(ctx, input.role);
      const existing = (await ctx.services.directory.membersOf(tenantId)).find((m) => m.email === input.email.trim().toLowerCase());
      checkOwnerChange(ctx, existing?.role);
      const { membership, operator } = await ctx.services.directory.addMember(tenantId, input.email, input.role, ctx.actor);
      return { id: operator.id, email: operator.email, name: operator.name, isBpoAdmin: operator.isBpoAdmin, role: membership.role };
    },
  }),
);

const RemoveMemberInput = builder.inputType("RemoveMemberInput", {
  fields: (t) => ({ email: t.string({ required: true }) }),
});

builder.mutationField("removeMember", (t) =>
  t.field({
    type: MemberRef,
    description:
      "Takes an operator's role in the active tenant away; it applies to their next request. The undecided compliance checks they review are unassigned in the same transaction.",
    authScopes: { can: "admin" },
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: RemoveMemberInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const tenantId = activeTenantId(ctx);
      const existing = (await ctx.services.directory.membersOf(tenantId)).find((m) => m.email === input.email.trim().toLowerCase());
      checkOwnerChange(ctx, existing?.role);
      const { membership, operator } = await ctx.services.directory.removeMember(tenantId, input.email, ctx.actor);
      return { id: operator.id, email: operator.email, name: operator.name, isBpoAdmin: operator.isBpoAdmin, role: membership.role };
    },
  }),
);
