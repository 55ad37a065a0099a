// What is left after the other features: media, edits and service messages. Media
// gets a clear reply (and a note in the customer's open case, so operators know
// something was sent); an edit is answered with how to correct; the rest — joins,
// pins, reactions, channel posts — is deliberately ignored.
import { Composer } from "grammy";
import type { Message } from "grammy/types";
import { addMessage } from "../../domain/messages.js";
import type { BotContext } from "../context.js";
import { cleanText } from "../clean-text.js";
import { existingContact } from "../customer.js";
import type { MediaKind } from "../texts.js";

export const unhandledFeature = new Composer<BotContext>();

const MEDIA: [keyof Message, MediaKind][] = [
  ["photo", "photo"],
  ["sticker", "sticker"],
  ["voice", "voice"],
  ["video_note", "video"],
  ["video", "video"],
  ["animation", "video"],
  ["audio", "audio"],
  ["document", "document"],
  ["location", "location"],
  ["venue", "location"],
  ["contact", "contact"],
];

function mediaKind(message: Message): MediaKind | null {
  for (const [field, kind] of MEDIA) if (message[field] !== undefined) return kind;
  // Polls, dice, games, stories…: something the customer sent, but not text.
  return message.poll || message.dice || message.game || message.story ? "other" : null;
}

unhandledFeature.on("message", async (ctx) => {
  const kind = mediaKind(ctx.message);
  // Service messages (pins, new chat photo…) are not the customer talking.
  if (!kind) return;
  const { t, frontDesk, deps } = ctx.desk;
  const contact = await existingContact(deps, BigInt(ctx.from.id));
  const open = contact ? await frontDesk.openCaseOf(contact.id) : null;
  if (!open) return ctx.reply(t.unsupported(kind));
  const caption = cleanText(ctx.message.caption ?? "").trim();
  await addMessage(deps, { ticketId: open.id, author: "CONTACT", body: `[The customer sent ${kind === "other" ? "a message the bot cannot read" : `a ${kind}`} on Telegram${caption ? `, with the caption: ${caption}` : ""}.]` });
  await ctx.reply(t.mediaNotedInCase(kind, open.number));
});

unhandledFeature.on("edited_message", async (ctx) => {
  if (ctx.editedMessage.text) await ctx.reply(ctx.desk.t.editNotSeen);
});

unhandledFeature.use(() => undefined);
