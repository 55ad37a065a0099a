// Every request gets an id: taken from X-Request-Id when it is sane, made up
// otherwise. It is returned in the X-Request-Id response header, carried in the
// context (and so in audit events), and attached to masked errors and their logs.
import { randomUUID } from "node:crypto";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../logger.js";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;
const ids = new WeakMap<Request, string>();

export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (!id) {
    const given = request.headers.get("x-request-id");
    id = given && REQUEST_ID.test(given) ? given : randomUUID();
    ids.set(request, id);
  }
  return id;
}

/** Sets X-Request-Id on every response and writes one access-log line per request (at debug for probes). */
export function useRequestId(logger: Logger): Plugin {
  const started = new WeakMap<Request, number>();
  return {
    onRequest({ request }) {
      started.set(request, performance.now());
    },
    onResponse({ request, response }) {
      const requestId = requestIdOf(request);
      response.headers.set("x-request-id", requestId);
      const path = new URL(request.url).pathname;
      const line = {
        requestId,
        method: request.method,
        path,
        status: response.status,
        ms: Math.round((performance.now() - (started.get(request) ?? performance.now())) * 10) / 10,
      };
      if (path === "/healthz" || path === "/readyz" || path === "/metrics") logger.debug(line, "request");
      else logger.info(line, "request");
    },
  };
}

/**
 * The client's address: the socket's, or behind a trusted proxy the address that proxy
 * saw — the last X-Forwarded-For entry, the one the proxy appended. The entries before
 * it are whatever the client sent, so a client cannot pick its own address (and rate
 * limit budget) by sending the header itself.
 */
export function clientIp(request: Request, serverContext: unknown, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  const socket = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket;
  return socket?.remoteAddress ?? "unknown";
}
