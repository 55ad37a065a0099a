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

/** Refuses bodies over `maxBytes`: by Content-Length at once, or while streaming when no length was sent. */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, url, endResponse, setRequest }) {
      if (!isGraphqlPath(url) || request.method !== "POST" || !request.body) return;
      const tooLarge = `The request body is larger than ${maxBytes} bytes.`;
      const length = Number(request.headers.get("content-length") ?? NaN);
      if (length > maxBytes) return endResponse(errorResponse(413, "PAYLOAD_TOO_LARGE", tooLarge, request));
      if (Number.isFinite(length)) return;
      let seen = 0;
      const limited = request.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            seen += chunk.byteLength;
            if (seen > maxBytes) controller.error(new Error(tooLarge));
            else controller.enqueue(chunk);
          },
        }),
      );
      setRequest(new Request(request.url, { method: "POST", headers: request.headers, body: limited, duplex: "half" } as RequestInit));
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
      const auth = request.headers.get("authorization");
      const checks = [options.limiter.hit(`ip:${ip}`, options.perIp, options.windowMs)];
      if (auth) {
        const key = createHash("sha256").update(auth).digest("hex").slice(0, 32);
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
