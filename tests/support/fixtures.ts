// One row of every tenant-owned model in a tenant, written through the tenant's scope.
import type { Services } from "../../src/services.js";

export interface TenantRows {
  tenantId: string;
  ids: Record<string, string>;
}

export async function seedEveryModel(services: Services, tenantId: string, tag: string): Promise<TenantRows> {
  const bot = await services.database.prisma.telegramBot.create({
    data: { tenantId, telegramId: BigInt(Math.floor(Math.random() * 1e9)), username: `${tag}_bot`, tokenCiphertext: "x", webhookSecret: "y" },
  });
  return services.scopes.forTenant(tenantId).tx(async (tx) => {
    const counter = await tx.tenantCounter.create({ data: { tenantId, id: `seq-${tag}`, value: 1 } });
    const contact = await tx.contact.create({ data: { tenantId, name: `Contact ${tag}`, email: `${tag}@example.com` } });
    const ticket = await tx.ticket.create({ data: { tenantId, number: 1000, subject: `Ticket ${tag}`, channel: "API", contactId: contact.id } });
    const resolution = await tx.ticketResolution.create({
      data: { tenantId, ticketId: ticket.id, startedAt: ticket.createdAt, resolvedAt: new Date(), late: false },
    });
    const message = await tx.message.create({ data: { tenantId, ticketId: ticket.id, author: "CONTACT", body: `Hello from ${tag}` } });
    const feedback = await tx.feedback.create({ data: { tenantId, kind: "CSAT", score: 5, contactId: contact.id, ticketId: ticket.id } });
    const article = await tx.knowledgeArticle.create({ data: { tenantId, title: `Article ${tag}`, body: "Body", published: true } });
    const record = await tx.record.create({ data: { tenantId, type: "contract", reference: `REF-${tag}`, title: `Record ${tag}` } });
    const version = await tx.recordVersion.create({ data: { tenantId, recordId: record.id, version: 1, title: "v1", data: {} } });
    const settlement = await tx.settlement.create({
      data: {
        tenantId, reference: `S-${tag}`, counterparty: "Bank", amountMinor: 100n, currency: "EUR", direction: "PAYABLE",
        valueDate: new Date("2026-12-01"), idempotencyKey: `k-${tag}`, requestHash: "h",
      },
    });
    const check = await tx.complianceCheck.create({ data: { tenantId, kind: "KYC", subjectContactId: contact.id, dueAt: new Date() } });
    const cost = await tx.backOfficeCost.create({
      data: { tenantId, periodStart: new Date("2026-11-01"), periodEnd: new Date("2026-11-30"), amountMinor: 1000n, currency: "EUR" },
    });
    const audit = await tx.auditEvent.create({ data: { tenantId, actorType: "SYSTEM", action: "test", entityType: "Contact", entityId: contact.id } });
    const update = await tx.botUpdate.create({ data: { tenantId, botId: bot.id, updateId: 1n } });
    const chat = await tx.botChat.create({ data: { tenantId, botId: bot.id, chatId: 42n, contactId: contact.id } });
    const delivery = await tx.botDelivery.create({ data: { tenantId, botId: bot.id, chatId: 42n, ticketId: ticket.id, kind: "reply", text: "hi" } });
    return {
      tenantId,
      ids: {
        TenantCounter: counter.id, Contact: contact.id, Ticket: ticket.id, Message: message.id, Feedback: feedback.id,
        KnowledgeArticle: article.id, Record: record.id, RecordVersion: version.id, Settlement: settlement.id,
        ComplianceCheck: check.id, BackOfficeCost: cost.id, AuditEvent: audit.id, BotUpdate: update.id, BotChat: chat.id,
        BotDelivery: delivery.id, TicketResolution: resolution.id,
      },
    };
  });
}
