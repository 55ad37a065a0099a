import pino from "pino";

export type Logger = pino.Logger;

export const REDACTED = "[redacted]";

/**
 * Keys whose values are secrets, at any depth: compared without case and without
 * separators, so `password`, `Authorization`, `x-api-key`, `api_key`, `botToken`,
 * `webhookSecret`, `tokenCiphertext`, `passwordHash`, `OPENAI_API_KEY` all match.
 * "tokens" (LLM token counts such as `total_tokens`) is not a secret.
 */
const SECRET_KEY = /password|passwd|passphrase|secret|authorization|cookie|apikey|credential|privatekey|ciphertext|sessionid|signature/;
const TOKEN_KEY = /token(?!s)/;

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  return SECRET_KEY.test(k) || TOKEN_KEY.test(k);
}

/** Secrets recognisable in free text (messages, error messages, URLs), with what replaces them. */
const SECRET_TEXT: [RegExp, string][] = [
  // Telegram bot tokens, in Bot API URLs (/bot<token>/method) or on their own.
  [/\/bot\d{3,20}:[A-Za-z0-9_-]{20,}/g, `/bot${REDACTED}`],
  [/\b\d{3,20}:[A-Za-z0-9_-]{30,}/g, REDACTED],
  // Authorization header values.
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // Tandem API keys, OpenAI-style keys, JWTs (operator tokens).
  [/\btdm_[A-Za-z0-9_-]+/g, `tdm_${REDACTED}`],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, `sk-${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, REDACTED],
  // Passwords in connection URLs: postgresql://user:password@host, redis://:password@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  // Secrets in query strings.
  [/([?&](?:[a-z_]*token|password|secret|api[_-]?key|key|signature)=)[^&\s#"']+/gi, `$1${REDACTED}`],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_TEXT) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 32;

/**
 * A copy of `value` with every secret replaced, at any depth: values under secret
 * keys, and secrets inside strings. Errors become plain objects (type, message,
 * stack and their own fields), redacted the same way. The input is not changed.
 */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
    if (value instanceof URL) return redactText(value.toString());
    if (value instanceof Map) return redact(Object.fromEntries(value), depth + 1, seen);
    if (value instanceof Set) return redact([...value], depth + 1, seen);
    if (ArrayBuffer.isView(value)) return `[${value.constructor.name} of ${value.byteLength} bytes]`;
    let source: Record<string, unknown>;
    if (value instanceof Error) {
      source = { ...(value as unknown as Record<string, unknown>), type: value.name, message: value.message, stack: value.stack };
      if (value.cause !== undefined) source.cause = value.cause;
    } else if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
      return redact((value as { toJSON(): unknown }).toJSON(), depth + 1, seen);
    } else {
      source = value as Record<string, unknown>;
    }
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(source)) {
      out[key] = isSecretKey(key) && v !== undefined && v !== null && v !== "" ? REDACTED : redact(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const logger = pino(
    {
      level,
      // Every log line's fields, child-logger bindings and message pass through `redact`:
      // secrets are removed however deep they are and whatever the field is called.
      formatters: {
        log: (object) => redact(object) as Record<string, unknown>,
        bindings: (bindings) => redact(bindings) as pino.Bindings,
      },
      hooks: {
        // Messages and format arguments. An Error logged on its own becomes { err } with
        // its (redacted) message as the message, as pino would do unredacted.
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          const input = first instanceof Error ? [{ err: first }, ...(rest.length ? rest : [first.message])] : [first, ...rest];
          const clean = input.map((a, i) => (typeof a === "string" ? redactText(a) : i > 0 ? redact(a) : a));
          method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
  // pino applies `formatters.bindings` to the root logger's bindings only; child bindings
  // are redacted here. Children inherit this method, so every generation is covered.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, redact(bindings) as pino.Bindings, options);
  } as typeof logger.child;
  return logger;
}
