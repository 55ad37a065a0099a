// Request-level protections that run before GraphQL parsing: body size, CSRF,
// and rate limits per credential and per IP. Each answers with a clear JSON error.
import { createHash } from "node:crypto";
import type { Plugin } from "graphql-yoga";
import type { RateLimiter, RateLimitResult } from "./rate-limiter.js";
import { clientIp, requestIdOf } from "./request-id.js";

function errorResponse(status: number, code: string, message: string, request: Request, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code, requestId: requestIdOf(request) } }] }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

const isGraphqlPath = (url: URL) => url.pathname === "/graphql";

/**
 * Only the paths Tandem serves get an answer; anything else is 404 before any other
 * plugin runs. Yoga would otherwise run GraphQL at look-alike paths (`/graphql/`,
 * `/x/graphql`) that the guards below, which match `/graphql` exactly, do not cover.
 * (Telegram webhooks and /metrics answer in their own plugins, placed before this one.)
 */
export function useKnownPaths(paths: readonly string[]): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (!paths.includes(url.pathname)) {
        endResponse(errorResponse(404, "NOT_FOUND", `Nothing is served at ${url.pathname.slice(0, 100)}: GraphQL is at /graphql.`, request));
      }
    },
  };
}

/**
 * The body of `request`, read up to `maxBytes`: null as soon as it is longer (the rest
 * is not read). For bodies sent without a Content-Length (chunked).
 */
export async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Refuses bodies over `maxBytes` with 413: by Content-Length at once, or by reading at most that much when no length was sent. */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    async onRequest({ request, url, endResponse, setRequest }) {
      if (!isGraphqlPath(url) || request.method !== "POST" || !request.body) return;
      const tooLarge = () => endResponse(errorResponse(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${maxBytes} bytes.`, request));
      const length = Number(request.headers.get("content-length") ?? NaN);
      if (length > maxBytes) return tooLarge();
      if (Number.isFinite(length)) return;
      const body = await readCapped(request, maxBytes);
      if (!body) return tooLarge();
      setRequest(new Request(request.url, { method: "POST", headers: request.headers, body: body as unknown as BodyInit }));
    },
  };
}

/**
 * CSRF: a browser can send a cross-site POST without a preflight only with a
 * "simple" content type (form, multipart, text/plain). GraphQL POSTs must be JSON,
 * so such requests are refused before anything runs.
 */
export function useCsrfPrevention(): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (!isGraphqlPath(url) || request.method !== "POST") return;
      const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (type !== "application/json" && type !== "application/graphql-response+json") {
        endResponse(
          errorResponse(415, "UNSUPPORTED_MEDIA_TYPE", "Send GraphQL requests as POST with `Content-Type: application/json`.", request),
        );
      }
    },
  };
}

/**
 * The credential an Authorization header carries, however it is spelled (`bearer`,
 * extra spaces), so respelling the header does not buy a new budget. (An operator who
 * logs in again gets a new token and so a new budget; logins themselves are throttled.)
 */
function credentialOf(header: string | null): string | null {
  return /^\s*bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1] ?? (header?.trim() || null);
}

export interface RateLimitOptions {
  limiter: RateLimiter;
  /** Requests per window per API key or operator token. */
  perCredential: number;
  /** Requests per window per client IP. */
  perIp: number;
  windowMs: number;
  trustProxy: boolean;
}

function headersFor(r: RateLimitResult): Record<string, string> {
  return {
    "RateLimit-Limit": String(r.limit),
    "RateLimit-Remaining": String(r.remaining),
    "RateLimit-Reset": String(Math.ceil(r.resetMs / 1000)),
  };
}

/**
 * Rate limits per credential (API key or operator token, keyed by a hash of it, so a
 * flood of made-up keys only spends the IP's budget) and per IP. The tighter of the
 * two is reported in RateLimit-* headers; a refusal adds Retry-After.
 */
export function useRateLimit(options: RateLimitOptions): Plugin {
  const results = new WeakMap<Request, RateLimitResult>();
  return {
    async onRequest({ request, url, serverContext, endResponse }) {
      if (!isGraphqlPath(url)) return;
      const ip = clientIp(request, serverContext, options.trustProxy);
      const credential = credentialOf(request.headers.get("authorization"));
      const checks = [options.limiter.hit(`ip:${ip}`, options.perIp, options.windowMs)];
      if (credential) {
        const key = createHash("sha256").update(credential).digest("hex").slice(0, 32);
        checks.push(options.limiter.hit(`cred:${key}`, options.perCredential, options.windowMs));
      }
      let outcomes: RateLimitResult[];
      try {
        outcomes = await Promise.all(checks);
      } catch {
        return; // the limiter's store is down: serve rather than fail every request
      }
      const tightest = outcomes.reduce((a, b) => (!b.allowed && a.allowed ? b : b.remaining < a.remaining ? b : a));
      results.set(request, tightest);
      if (!tightest.allowed) {
        const retry = Math.max(1, Math.ceil(tightest.resetMs / 1000));
        endResponse(
          errorResponse(429, "RATE_LIMITED", `Too many requests: the limit is ${tightest.limit} per ${options.windowMs / 1000} s. Retry in ${retry} s.`, request, {
            ...headersFor(tightest),
            "Retry-After": String(retry),
          }),
        );
      }
    },
    onResponse({ request, response }) {
      const r = results.get(request);
      if (!r) return;
      for (const [k, v] of Object.entries(headersFor(r))) response.headers.set(k, v);
    },
  };
}
