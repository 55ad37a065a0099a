// Typed errors that mutations return as data: clients match on __typename and
// read `message` through the shared Error interface.
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, UnauthenticatedError, ValidationError } from "../domain/errors.js";
import { builder } from "./builder.js";

export const ErrorInterface = builder.interfaceRef<Error>("Error").implement({
  description: "Something the request asked for could not be done; `message` says what and why.",
  fields: (t) => ({ message: t.exposeString("message") }),
});

builder.objectType(NotFoundError, {
  name: "NotFoundError",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof NotFoundError,
  fields: (t) => ({ entity: t.exposeString("entity") }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof ValidationError,
  fields: (t) => ({ field: t.exposeString("field", { description: "The input field that was wrong, as a dotted path." }) }),
});

builder.objectType(ConflictError, {
  name: "ConflictError",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof ConflictError,
  fields: () => ({}),
});

builder.objectType(ForbiddenError, {
  name: "ForbiddenError",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof ForbiddenError,
  fields: () => ({}),
});

builder.objectType(UnauthenticatedError, {
  name: "UnauthenticatedError",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof UnauthenticatedError,
  fields: () => ({}),
});

builder.objectType(RateLimitedError, {
  name: "RateLimitedError",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof RateLimitedError,
  fields: (t) => ({ retryAfterSeconds: t.exposeInt("retryAfterSeconds") }),
});

/** The errors every tenant-data mutation may return. */
export const MUTATION_ERRORS = [NotFoundError, ValidationError, ConflictError, ForbiddenError];
