// Shared steps for the back-office API tests. Everything goes through yoga.fetch
// (app.gql); the database is read directly only to prove that a refusal wrote nothing.
import { expect } from "vitest";
import { createTestApp, type GqlResult, type TestApp } from "../support/app.js";

export type Gql = (query: string, variables?: Record<string, unknown>) => Promise<GqlResult>;

/** A mutation payload: the success's `data`, or the typed error's fields. */
export interface Payload<T = any> {
  __typename: string;
  data?: T;
  message?: string;
  field?: string;
  entity?: string;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Runs `field(input: $i)` and returns its payload; a top-level GraphQL error fails the test. */
export async function mutate<T = any>(g: Gql, field: string, input: Record<string, unknown>, select = "id"): Promise<Payload<T>> {
  const inputType = `${capitalize(field)}Input`;
  const res = await g(
    `mutation($i: ${inputType}!) { ${field}(input: $i) { __typename
      ... on ${capitalize(field)}Success { data { ${select} } }
      ... on Error { message }
      ... on ValidationError { field }
      ... on NotFoundError { entity } } }`,
    { i: input },
  );
  if (res.errors) throw new Error(`${field} failed: ${JSON.stringify(res.errors)}`);
  return res.data[field];
}

/** The success's data, or a failed test that shows the error. */
export function ok<T>(payload: Payload<T>): T {
  if (!payload.data) throw new Error(`expected success, got ${JSON.stringify(payload)}`);
  return payload.data;
}

/** Data of a query that must succeed. */
export async function query<T = any>(g: Gql, q: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await g(q, variables);
  if (res.errors) throw new Error(`query failed: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/** The row id inside a global id. */
export function rowId(globalId: string): string {
  return Buffer.from(globalId, "base64").toString("utf8").split(":")[1]!;
}

/** Rows of every back-office table (and audit events) a tenant holds: proof that nothing was written. */
export async function rowCounts(app: TestApp, slug: string): Promise<Record<string, number>> {
  const tenant = await app.services.directory.getTenant(slug);
  return app.services.scopes.forTenant(tenant.id).tx(async (tx) => ({
    records: await tx.record.count(),
    versions: await tx.recordVersion.count(),
    checks: await tx.complianceCheck.count(),
    settlements: await tx.settlement.count(),
    costs: await tx.backOfficeCost.count(),
    audit: await tx.auditEvent.count(),
  }));
}

/** Every column of one row, as the tenant's scope reads it: proof that a refused change left it alone. */
export async function rowOf(app: TestApp, slug: string, model: "record" | "complianceCheck" | "settlement", id: string): Promise<unknown> {
  const tenant = await app.services.directory.getTenant(slug);
  return app.services.scopes.forTenant(tenant.id).tx((tx) => (tx[model] as any).findFirst({ where: { id } }));
}

/** Two tenants, each with a back-office API key, and one contact and ticket in each. */
export interface BackOffice {
  app: TestApp;
  gA: Gql;
  gB: Gql;
  contactA: string;
  contactB: string;
  ticketA: string;
  ticketB: string;
  /** Runs a query as an operator token in tenant A. */
  asOperatorInA(token: string): Gql;
}

export async function backOffice(prefix: string): Promise<BackOffice> {
  const app = await createTestApp();
  const [slugA, slugB] = [`${prefix}-a`, `${prefix}-b`];
  const keyA = await app.apiKey(slugA, ["BACK_READ", "BACK_WRITE", "FRONT_WRITE", "ADMIN"]);
  const keyB = await app.apiKey(slugB, ["BACK_READ", "BACK_WRITE", "FRONT_WRITE", "ADMIN"]);
  const gA: Gql = (q, v) => app.gql(q, v, app.as(keyA));
  const gB: Gql = (q, v) => app.gql(q, v, app.as(keyB));
  const contact = async (g: Gql, name: string) => ok(await mutate<{ id: string }>(g, "createContact", { name })).id;
  const ticket = async (g: Gql, contactId: string) =>
    ok(await mutate<{ id: string }>(g, "createTicket", { contactId, subject: "Invoice question", body: "Where is my refund?" })).id;
  const contactA = await contact(gA, "Client A");
  const contactB = await contact(gB, "Client B");
  return {
    app,
    gA,
    gB,
    contactA,
    contactB,
    ticketA: await ticket(gA, contactA),
    ticketB: await ticket(gB, contactB),
    asOperatorInA: (token) => (q, v) => app.gql(q, v, app.as(token, slugA)),
  };
}

/** Every attempt returned NotFoundError (as a typed payload). */
export function expectAllNotFound(attempts: Record<string, Payload>): void {
  const typenames = Object.fromEntries(Object.entries(attempts).map(([name, p]) => [name, p.__typename]));
  expect(typenames).toEqual(Object.fromEntries(Object.keys(attempts).map((name) => [name, "NotFoundError"])));
}
