// Errors the rules raise. The API turns each into a typed GraphQL error object,
// the CLI into a message and a non-zero exit; their messages are written for users.

export abstract class DomainError extends Error {
  abstract readonly code: "NOT_FOUND" | "VALIDATION" | "CONFLICT" | "FORBIDDEN" | "UNAUTHENTICATED" | "RATE_LIMITED";
}

export class NotFoundError extends DomainError {
  override name = "NotFoundError";
  readonly code = "NOT_FOUND" as const;
  constructor(
    readonly entity: string,
    ref?: string,
  ) {
    super(ref ? `${entity} ${ref} was not found.` : `${entity} was not found.`);
  }
}

export class ValidationError extends DomainError {
  override name = "ValidationError";
  readonly code = "VALIDATION" as const;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class ConflictError extends DomainError {
  override name = "ConflictError";
  readonly code = "CONFLICT" as const;
}

export class ForbiddenError extends DomainError {
  override name = "ForbiddenError";
  readonly code = "FORBIDDEN" as const;
}

export class UnauthenticatedError extends DomainError {
  override name = "UnauthenticatedError";
  readonly code = "UNAUTHENTICATED" as const;
}

export class RateLimitedError extends DomainError {
  override name = "RateLimitedError";
  readonly code = "RATE_LIMITED" as const;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
