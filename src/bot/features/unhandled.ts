import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { texts } from "../texts.js";

export const unhandledFeature = new Composer<BotContext>();

// Stickers, photos, voice, files…: say what the desk can read.
unhandledFeature.on("message", (ctx) => ctx.reply(texts(ctx.desk.deps.tenant.settings.locale).unsupported));
// Edited messages, channel posts, member updates: deliberately ignored.
unhandledFeature.use(() => undefined);
