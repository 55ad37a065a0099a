import { recordFeedback } from "../domain/feedback.js";
import { builder } from "./builder.js";
import { FeedbackKindEnum } from "./enums.js";
import { MUTATION_ERRORS } from "./errors.js";
import { checkPage, idOf, tenantDeps } from "./inputs.js";
import { tenantNode } from "./tenant-node.js";

export const FeedbackRef = builder.prismaNode("Feedback", {
  ...tenantNode,
  description: "A customer's rating: CSAT 1–5, NPS 0–10 or CES 1–7.",
  authScopes: { can: "front:read" },
  fields: (t) => ({
    kind: t.expose("kind", { type: FeedbackKindEnum }),
    score: t.exposeInt("score"),
    comment: t.exposeString("comment", { nullable: true }),
    contact: t.relation("contact"),
    ticket: t.relation("ticket", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.queryField("feedback", (t) =>
  t.prismaConnection(
    {
      type: "Feedback",
      cursor: "tenantId_id",
      authScopes: { can: "front:read" },
      args: { kind: t.arg({ type: FeedbackKindEnum, required: false }) },
      resolve: (query, _r, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.feedback.findMany({ ...query, where: args.kind ? { kind: args.kind } : {}, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
      },
      totalCount: (_c, args, ctx) => checkPage(args) ?? ctx.scope!.db.feedback.count({ where: args.kind ? { kind: args.kind } : {} }),
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
