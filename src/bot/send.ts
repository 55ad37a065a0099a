import type { Api } from "grammy";

export const TELEGRAM_LIMIT = 4096;

/** Splits text at Telegram's limit, preferring paragraph, line and word boundaries. */
export function splitMessage(text: string, limit = TELEGRAM_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while ([...rest].length > limit) {
    const chars = [...rest];
    const window = chars.slice(0, limit).join("");
    let cut = Math.max(window.lastIndexOf("\n\n"), window.lastIndexOf("\n"), window.lastIndexOf(" "));
    if (cut < limit / 2) cut = window.length;
    parts.push(window.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

export async function sendLong(api: Api, chatId: number | string, text: string, extra?: Parameters<Api["sendMessage"]>[2]): Promise<void> {
  const parts = splitMessage(text);
  for (const [i, part] of parts.entries()) await api.sendMessage(chatId, part, i === parts.length - 1 ? extra : undefined);
}
