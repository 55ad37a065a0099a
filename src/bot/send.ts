// Telegram refuses messages over 4096 characters (UTF-16 code units, as JavaScript
// counts them): longer text goes out in parts, cut at paragraph, line or word
// boundaries, never inside a surrogate pair.
import type { Api } from "grammy";

export const TELEGRAM_LIMIT = 4096;

export function splitMessage(text: string, limit = TELEGRAM_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    let window = rest.slice(0, limit);
    // Never end a part on the first half of a surrogate pair.
    if (/[\uD800-\uDBFF]$/.test(window)) window = window.slice(0, -1);
    let cut = Math.max(window.lastIndexOf("\n\n"), window.lastIndexOf("\n"), window.lastIndexOf(" "));
    if (cut < limit / 2) cut = window.length;
    parts.push(window.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

export type SendExtra = Parameters<Api["sendMessage"]>[2];

/**
 * Sends text of any length; the extra options (a keyboard) go with the last part.
 * `from` skips the parts already sent (a retry of a delivery that failed halfway), and
 * `sent` hears of each part as it goes out, so the caller can record the progress.
 */
export async function sendLong(
  api: Api,
  chatId: number | string,
  text: string,
  extra?: SendExtra,
  progress: { from?: number; sent?: (count: number) => Promise<unknown> } = {},
): Promise<void> {
  const parts = splitMessage(text);
  for (let i = progress.from ?? 0; i < parts.length; i++) {
    await api.sendMessage(chatId, parts[i]!, i === parts.length - 1 ? extra : undefined);
    await progress.sent?.(i + 1);
  }
}
