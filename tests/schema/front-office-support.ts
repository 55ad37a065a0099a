// Shared steps for the front-office API tests: everything goes through yoga.fetch
// (app.gql), except the row counts used to prove that a refused change wrote nothing.
import type { GqlResult, TestApp } from "../support/app.js";

export type Gql = (query: string, variables?: Record<string, unknown>) => Promise<GqlResult<any>>;

/** A payload of a mutation: the success's `data`, or the typed error's fields. */
export interface Payload<T = any> {
  __typename: string;
  data?: T;
  message?: string;
  field?: string;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Runs `field(input: $i)` and returns its payload; a top-level GraphQL error fails the test. */
export async function mutate<T = any>(g: Gql, field: string, inputType: string, input: Record<string, unknown>, select = "id"): Promise<Payload<T>> {
  const res = await g(
    `mutation($i: ${inputType}!) { ${field}(input: $i) { __typename
      ... on ${capitalize(field)}Success { data { ${select} } }
      ... on Error { message }
      ... on ValidationError { field } } }`,
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

export async function newContact(g: Gql, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  return ok(await mutate<{ id: string }>(g, "createContact", "CreateContactInput", { name, ...extra })).id;
}

export interface NewTicket {
  id: string;
  number: number;
  status: string;
}

export async function newTicket(g: Gql, contactId: string, input: Record<string, unknown> = {}): Promise<NewTicket> {
  return ok(
    await mutate<NewTicket>(g, "createTicket", "CreateTicketInput", { contactId, subject: "Router is down", body: "Since this morning.", ...input }, "id number status"),
  );
}

/** Rows of every front-office table (and audit events) the tenant holds: proof that nothing was written. */
export async function rowCounts(app: TestApp, slug: string): Promise<Record<string, number>> {
  const tenant = await app.services.directory.getTenant(slug);
  return app.services.scopes.forTenant(tenant.id).tx(async (tx) => ({
    contacts: await tx.contact.count(),
    tickets: await tx.ticket.count(),
    messages: await tx.message.count(),
    feedback: await tx.feedback.count(),
    articles: await tx.knowledgeArticle.count(),
    audit: await tx.auditEvent.count(),
  }));
}

/** The raw row behind a ticket's global id, read with the tenant's scope. */
export async function ticketRow(app: TestApp, slug: string, globalId: string) {
  const tenant = await app.services.directory.getTenant(slug);
  const id = Buffer.from(globalId, "base64").toString().split(":")[1]!;
  return app.services.scopes.forTenant(tenant.id).db.ticket.findFirstOrThrow({ where: { id } });
}

/** The row id inside a global id. */
export function rowId(globalId: string): string {
  return Buffer.from(globalId, "base64").toString().split(":")[1]!;
}

export interface SseSubscription {
  /** Every `next` payload received so far. */
  payloads: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] }[];
  /** True once the server ended the stream. */
  readonly completed: boolean;
  /** Waits until a payload matches (or the timeout passes) and returns the matches. */
  waitFor(predicate: (p: SseSubscription["payloads"][number]) => boolean, timeoutMs?: number): Promise<SseSubscription["payloads"]>;
  stop(): Promise<void>;
}

/** A GraphQL subscription over Server-Sent Events, through yoga.fetch like every other request. */
export async function subscribe(app: TestApp, query: string, headers: Record<string, string>): Promise<SseSubscription> {
  const abort = new AbortController();
  const res = await app.api.fetch("http://tandem.test/graphql", {
    method: "POST",
    signal: abort.signal,
    headers: { "content-type": "application/json", accept: "text/event-stream", ...headers },
    body: JSON.stringify({ query }),
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const payloads: SseSubscription["payloads"] = [];
  let completed = false;
  let buffer = "";
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        for (let i = buffer.indexOf("\n\n"); i >= 0; i = buffer.indexOf("\n\n")) {
          const lines = buffer.slice(0, i).split("\n");
          buffer = buffer.slice(i + 2);
          const event = lines.find((l) => l.startsWith("event:"))?.slice(6).trim();
          const data = lines.find((l) => l.startsWith("data:"))?.slice(5).trim();
          if (event === "complete") completed = true;
          else if (event === "next" && data) payloads.push(JSON.parse(data));
        }
      }
    } catch {
      // stopped
    }
    completed = true;
  })();
  return {
    payloads,
    get completed() {
      return completed;
    },
    async waitFor(predicate, timeoutMs = 3_000) {
      const until = Date.now() + timeoutMs;
      while (!payloads.some(predicate) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      return payloads.filter(predicate);
    },
    async stop() {
      abort.abort();
      await reader.cancel().catch(() => undefined);
      await pump;
    },
  };
}
