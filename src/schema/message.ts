import { builder } from "./builder.js";
import { MessageAuthorEnum } from "./enums.js";
import { tenantNode } from "./tenant-node.js";
import { frontReadable } from "./ticket.js";

export const MessageRef = builder.prismaNode("Message", {
  ...tenantNode,
  description: "One entry of a ticket's thread. Internal notes are never sent to the customer.",
  authScopes: frontReadable,
  fields: (t) => ({
    author: t.expose("author", { type: MessageAuthorEnum }),
    body: t.exposeString("body"),
    internal: t.exposeBoolean("internal"),
    ticket: t.relation("ticket"),
    contact: t.relation("contact", { nullable: true, description: "The customer who wrote it (CONTACT messages)." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});
