// Customer ratings: CSAT 1–5, NPS 0–10, CES 1–7; at most one of each kind per ticket.
import type { Feedback, FeedbackKind } from "../generated/prisma/index.js";
import { recordAudit } from "./audit.js";
import { resolveContactId } from "./contacts.js";
import { publish, type TenantDeps } from "./deps.js";
import { ConflictError, ValidationError } from "./errors.js";
import { isUniqueViolation, must, optionalText } from "./input.js";

export const SCORE_RANGE: Record<FeedbackKind, [number, number]> = { CSAT: [1, 5], NPS: [0, 10], CES: [1, 7] };

export interface FeedbackInput {
  kind: FeedbackKind;
  score: number;
  comment?: string | null;
  ticketId?: string | null;
  /** Required without a ticket; with one, it defaults to the ticket's contact (a merged contact counts as the one it was merged into). */
  contactId?: string | null;
}

/**
 * Records a rating. The score is checked against SCORE_RANGE first (ValidationError on
 * `score`, nothing written); a second rating of the same kind for one ticket is a
 * ConflictError. Publishes FEEDBACK_RECEIVED when the rating is about a ticket.
 */
export async function recordFeedback(deps: TenantDeps, input: FeedbackInput): Promise<Feedback> {
  const [min, max] = SCORE_RANGE[input.kind];
  if (!Number.isInteger(input.score) || input.score < min || input.score > max) {
    throw new ValidationError("score", `A ${input.kind} score is a whole number from ${min} to ${max}; got ${input.score}.`);
  }
  const comment = optionalText("comment", input.comment, 2_000);
  const tenantId = deps.tenant.id;
  let feedback: Feedback;
  try {
    feedback = await deps.scope.tx(async (tx) => {
      // Merges are resolved first: a contact id from before a merge still names the same customer.
      const given = input.contactId ? await resolveContactId(tx, input.contactId) : null;
      let contactId = given;
      if (input.ticketId) {
        const ticket = must(await tx.ticket.findFirst({ where: { id: input.ticketId } }), "Ticket", input.ticketId);
        contactId = await resolveContactId(tx, ticket.contactId);
        if (given && given !== contactId) throw new ValidationError("contactId", "The contact is not the ticket's contact.");
      }
      if (!contactId) throw new ValidationError("contactId", "Give the ticket or the contact the feedback is from.");
      const created = await tx.feedback.create({
        data: { tenantId, kind: input.kind, score: input.score, comment: comment ?? null, contactId, ticketId: input.ticketId ?? null },
      });
      await recordAudit(tx, tenantId, deps.actor, { action: "feedback.recorded", entityType: "Feedback", entityId: created.id, after: created });
      return created;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(`This ticket already has a ${input.kind} rating.`);
    throw err;
  }
  if (feedback.ticketId) publish(deps, { type: "FEEDBACK_RECEIVED", ticketId: feedback.ticketId, feedbackId: feedback.id });
  return feedback;
}
