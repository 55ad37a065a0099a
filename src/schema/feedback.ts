import type { Prisma } from "../generated/prisma/index.js";
import { recordFeedback } from "../domain/feedback.js";
import { builder } from "./builder.js";
import { FeedbackKindEnum } from "./enums.js";
import { MUTATION_ERRORS } from "./errors.js";
import { checkPage, idOf, tenantDeps } from "./inputs.js";
import { tenantNode } from "./tenant-node.js";
import { frontReadable, OrderDirection } from "./ticket.js";

export const FeedbackRef = builder.prismaNode("Feedback", {
  ...tenantNode,
  description: "A customer's rating: CSAT 1–5, NPS 0–10 or CES 1–7.",
  authScopes: frontReadable,
  fields: (t) => ({
    kind: t.expose("kind", { type: FeedbackKindEnum }),
    score: t.exposeInt("score"),
    comment: t.exposeString("comment", { nullable: true }),
    contact: t.relation("contact"),
    ticket: t.relation("ticket", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const FeedbackFilter = builder.inputType("FeedbackFilter", {
  fields: (t) => ({
    kind: t.field({ type: [FeedbackKindEnum], required: false }),
    ticketId: t.id({ required: false }),
    contactId: t.id({ required: false }),
    minScore: t.int({ required: false }),
    maxScore: t.int({ required: false }),
    createdAfter: t.field({ type: "DateTime", required: false }),
    createdBefore: t.field({ type: "DateTime", required: false }),
  }),
});

const FeedbackOrderField = builder.enumType("FeedbackOrderField", { values: ["CREATED_AT", "SCORE"] as const });

const FeedbackOrder = builder.inputType("FeedbackOrder", {
  fields: (t) => ({
    field: t.field({ type: FeedbackOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: false, defaultValue: "DESC" }),
  }),
});

function feedbackWhere(f: typeof FeedbackFilter.$inferInput | null | undefined): Prisma.FeedbackWhereInput {
  const and: Prisma.FeedbackWhereInput[] = [];
  if (f?.kind?.length) and.push({ kind: { in: f.kind } });
  if (f?.ticketId) and.push({ ticketId: idOf("filter.ticketId", f.ticketId, "Ticket") });
  if (f?.contactId) and.push({ contactId: idOf("filter.contactId", f.contactId, "Contact") });
  if (f?.minScore !== null && f?.minScore !== undefined) and.push({ score: { gte: f.minScore } });
  if (f?.maxScore !== null && f?.maxScore !== undefined) and.push({ score: { lte: f.maxScore } });
  if (f?.createdAfter) and.push({ createdAt: { gte: f.createdAfter } });
  if (f?.createdBefore) and.push({ createdAt: { lt: f.createdBefore } });
  return { AND: and };
}

function feedbackOrder(order: typeof FeedbackOrder.$inferInput | null | undefined): Prisma.FeedbackOrderByWithRelationInput[] {
  const dir = order?.direction === "ASC" ? "asc" : "desc";
  return [{ [order?.field === "SCORE" ? "score" : "createdAt"]: dir }, { id: dir }];
}

builder.queryField("feedback", (t) =>
  t.prismaConnection(
    {
      type: "Feedback",
      cursor: "tenantId_id",
      description: "Ratings, newest first unless ordered otherwise.",
      authScopes: { can: "front:read" },
      args: { filter: t.arg({ type: FeedbackFilter, required: false }), orderBy: t.arg({ type: FeedbackOrder, required: false }) },
      resolve: (query, _r, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.feedback.findMany({ ...query, where: feedbackWhere(args.filter), orderBy: feedbackOrder(args.orderBy) });
      },
      totalCount: (_c, args, ctx) => checkPage(args) ?? ctx.scope!.db.feedback.count({ where: feedbackWhere(args.filter) }),
    },
    {},
    {},
  ),
);

const RecordFeedbackInput = builder.inputType("RecordFeedbackInput", {
  fields: (t) => ({
    kind: t.field({ type: FeedbackKindEnum, required: true }),
    score: t.int({ required: true, description: "CSAT 1–5, NPS 0–10, CES 1–7." }),
    comment: t.string({ required: false }),
    ticketId: t.id({ required: false }),
    contactId: t.id({ required: false, description: "Needed when there is no ticket." }),
  }),
});

builder.mutationField("recordFeedback", (t) =>
  t.field({
    type: FeedbackRef,
    authScopes: { can: "front:write" },
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: RecordFeedbackInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      recordFeedback(tenantDeps(ctx), {
        kind: input.kind,
        score: input.score,
        comment: input.comment,
        ticketId: input.ticketId ? idOf("ticketId", input.ticketId, "Ticket") : null,
        contactId: input.contactId ? idOf("contactId", input.contactId, "Contact") : null,
      }),
  }),
);
