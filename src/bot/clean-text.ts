// Customer text arrives as any Unicode Telegram accepts. PostgreSQL refuses NUL
// characters in text and jsonb, and lone UTF-16 surrogates cannot be encoded as
// UTF-8; both are removed or replaced here, once, before anything is stored.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe to store: well-formed Unicode without NUL characters. */
export function cleanText(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD").replace(/\u0000/g, "");
}

/** A JSON value (a Telegram update) with every string cleaned, safe for a jsonb column. */
export function cleanJson<T>(value: T): T {
  if (typeof value === "string") return cleanText(value) as T;
  if (Array.isArray(value)) return value.map((v) => cleanJson(v)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanText(k), cleanJson(v)])) as T;
  }
  return value;
}

/** At most `max` characters (code points, never half a surrogate pair), with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max - 1).join("").trimEnd() + "…";
}
