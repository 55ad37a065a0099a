// Every type file registers itself on the builder when imported.
import { builder } from "./builder.js";
import "./errors.js";
import "./enums.js";
import "./tenant.js";
import "./operator.js";
import "./api-key.js";
import "./membership.js";
import "./contact.js";
import "./ticket.js";
import "./message.js";
import "./feedback.js";
import "./knowledge-article.js";
import "./record.js";
import "./compliance-check.js";
import "./settlement.js";
import "./audit-event.js";
import "./metrics.js";
import "./back-office-metrics.js";
import "./back-office-cost.js";
import "./queue.js";
import "./ticket-events.js";
import "./telegram-bot.js";
import "./tenant-settings.js";

export const schema = builder.toSchema({ sortSchema: true });
