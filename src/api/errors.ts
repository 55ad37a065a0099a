// What clients see when something fails that is not their fault: unexpected
// errors are masked (the details go to the log, with the request id the client
// also gets), and a database that cannot be reached is a clear 503, fast.
import { GraphQLError, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../logger.js";
import { DomainError, ValidationError } from "../domain/errors.js";

const UNREACHABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const UNREACHABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const UNREACHABLE_MESSAGES =
  /Connection terminated|terminating connection|ECONNREFUSED|ECONNRESET|connect ETIMEDOUT|timeout exceeded when trying to connect|Connection is not open|the database system is (starting up|shutting down)|Client has encountered a connection error|server closed the connection|is not currently accepting connections|Connection terminated unexpectedly/i;

/** True when the error means "the database is not there right now", not "the query was wrong". */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: any = err, depth = 0; e && depth < 6; e = e.cause ?? e.originalError, depth++) {
    if (UNREACHABLE_PRISMA_CODES.has(e.code) || UNREACHABLE_KINDS.has(e.kind) || UNREACHABLE_KINDS.has(e.cause?.kind)) return true;
    if (typeof e.message === "string" && UNREACHABLE_MESSAGES.test(e.message)) return true;
    if (e.meta?.driverAdapterError && isDatabaseUnavailable(e.meta.driverAdapterError)) return true;
  }
  return false;
}

export function serviceUnavailable(requestId: string): GraphQLError {
  return new GraphQLError("The service is temporarily unavailable (database unreachable). Retry in a few seconds.", {
    extensions: { code: "SERVICE_UNAVAILABLE", requestId, http: { status: 503, headers: { "Retry-After": "5" } } },
  });
}

export function internalError(requestId: string): GraphQLError {
  return new GraphQLError(`Unexpected error. Quote request id ${requestId} when reporting it.`, {
    extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
  });
}

function isExpected(err: GraphQLError): boolean {
  // GraphQLErrors raised on purpose (auth, validation, typed) carry a code or have no hidden cause.
  // (By name as well: a second copy of graphql-js would defeat instanceof.)
  return !err.originalError || err.originalError instanceof GraphQLError || err.originalError.name === "GraphQLError";
}

/**
 * Replaces unexpected resolver errors with masked ones before Yoga's own masking sees
 * them: in query and mutation results, and in every event of a subscription (an error
 * while resolving an event is masked the same way, with the request id).
 */
export function useErrorMasking(logger: Logger): Plugin<{ requestId?: string }> {
  const mask = (result: ExecutionResult, contextValue: unknown): ExecutionResult | null => {
    if (!result.errors?.length) return null;
    const requestId = (contextValue as { requestId?: string }).requestId ?? "unknown";
    let changed = false;
    const errors = result.errors.map((err) => {
      if (isExpected(err)) return err;
      changed = true;
      // A rule's error on a query field (mutations return them as typed data): say it, with its code.
      if (err.originalError instanceof DomainError) {
        const d = err.originalError;
        return new GraphQLError(d.message, {
          path: err.path,
          nodes: err.nodes,
          extensions: { code: d.code === "VALIDATION" ? "BAD_USER_INPUT" : d.code, ...(d instanceof ValidationError ? { field: d.field } : {}), requestId },
        });
      }
      if (isDatabaseUnavailable(err)) {
        logger.warn({ requestId, path: err.path, err: err.originalError?.message }, "database unavailable");
        return withPath(serviceUnavailable(requestId), err);
      }
      logger.error({ requestId, path: err.path, err: err.originalError }, "unexpected error");
      return withPath(internalError(requestId), err);
    });
    return changed ? { ...result, errors } : null;
  };
  return {
    onExecute() {
      return {
        onExecuteDone({ args, result, setResult }) {
          if (!("errors" in result)) return;
          const masked = mask(result as ExecutionResult, args.contextValue);
          if (masked) setResult(masked);
        },
      };
    },
    onSubscribe() {
      return {
        onSubscribeResult({ args, result, setResult }) {
          if ("errors" in result) {
            const masked = mask(result as ExecutionResult, args.contextValue);
            if (masked) setResult(masked);
            return;
          }
          return {
            onNext({ args: nextArgs, result: event, setResult: setEvent }) {
              const masked = mask(event, nextArgs.contextValue);
              if (masked) setEvent(masked);
            },
          };
        },
      };
    },
  };
}

function withPath(masked: GraphQLError, original: GraphQLError): GraphQLError {
  return new GraphQLError(masked.message, { path: original.path, nodes: original.nodes, extensions: masked.extensions });
}
