import type { BotContext } from "../context.js";
import type { Customer } from "../front-desk.js";

export function customerOf(ctx: BotContext): Customer {
  const from = ctx.from!;
  return {
    telegramUserId: BigInt(from.id),
    chatId: BigInt(ctx.chat!.id),
    name: [from.first_name, from.last_name].filter(Boolean).join(" "),
    languageCode: from.language_code,
  };
}
