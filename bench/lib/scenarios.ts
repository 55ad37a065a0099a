// The benchmark's GraphQL requests. A Tandem scenario runs only when its document
// validates against the committed schema.graphql, so the harness follows the API
// as it lands instead of guessing field names.
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema, parse, validate, type GraphQLSchema } from "graphql";
import type { Dataset } from "./datasets.js";
import type { Workload } from "./load.js";
import { ROOT_DIR } from "./util.js";

export interface ScenarioContext {
  dataset: Dataset;
  /** Operator token from `login`, for scenario 5. */
  operatorToken?: string;
}

export interface Scenario {
  id: string;
  title: string;
  server: "tandem" | "postgraphile";
  document: string;
  workload(ctx: ScenarioContext): Workload;
}

type Json = { data?: Record<string, any> | null; errors?: unknown[] };

function parseBody(body: string): Json | null {
  try {
    return JSON.parse(body) as Json;
  } catch {
    return null;
  }
}

/** A GraphQL answer without errors whose data passes `check`. */
function okWhen(check: (data: Record<string, any>) => boolean) {
  return (body: string) => {
    const json = parseBody(body);
    return !!json && !json.errors?.length && !!json.data && check(json.data);
  };
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
const gql = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

// Pothos' relay plugin: global id = base64("Type:id").
const tandemGlobalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");
// PostGraphile's classic node id: base64 of ["Tickets", ...primary key].
const postgraphileNodeId = (tenantId: string, id: string) => Buffer.from(JSON.stringify(["Tickets", tenantId, id])).toString("base64");

// ------------------------------------------------------------------ Tandem

const TICKET_BY_ID = /* GraphQL */ `
  query TicketById($id: ID!) {
    node(id: $id) {
      ... on Ticket {
        id number subject status priority channel tags createdAt updatedAt firstResponseDueAt resolutionDueAt
        contact { id name email }
      }
    }
  }`;

export const TANDEM_SCENARIOS: Scenario[] = [
  {
    id: "2",
    title: "ticket by node(id)",
    server: "tandem",
    document: TICKET_BY_ID,
    workload: ({ dataset }) => ({
      headers: bearer(dataset.tenant.apiKey),
      body: (i) => gql(TICKET_BY_ID, { id: tandemGlobalId("Ticket", dataset.ticketIds[i % dataset.ticketIds.length]!) }),
      ok: okWhen((d) => !!d.node?.id),
    }),
  },
];

// ------------------------------------------------------------------ PostGraphile (same data, its own query shape)

const PG_TICKET_BY_ID = /* GraphQL */ `
  query TicketById($id: ID!) {
    node(nodeId: $id) {
      ... on Ticket {
        id number subject status priority channel tags createdAt updatedAt firstResponseDueAt resolutionDueAt
        contactByTenantIdAndContactId { id name email }
      }
    }
  }`;

const PG_TICKETS = /* GraphQL */ `
  query Tickets {
    allTickets(first: 20, orderBy: [CREATED_AT_DESC]) {
      nodes {
        id number subject status priority channel createdAt assigneeId
        contactByTenantIdAndContactId { id name email }
        messagesByTenantIdAndTicketId(first: 3, orderBy: [CREATED_AT_DESC]) { nodes { id author body createdAt } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }`;

export const POSTGRAPHILE_SCENARIOS: Scenario[] = [
  {
    id: "1",
    title: "tickets(first: 20) + contact, assignee id, last 3 messages",
    server: "postgraphile",
    document: PG_TICKETS,
    workload: ({ dataset }) => ({
      headers: bearer(dataset.tenant.apiKey),
      body: () => gql(PG_TICKETS),
      ok: okWhen((d) => d.allTickets?.nodes?.length === 20),
    }),
  },
  {
    id: "2",
    title: "ticket by node(id)",
    server: "postgraphile",
    document: PG_TICKET_BY_ID,
    workload: ({ dataset }) => ({
      headers: bearer(dataset.tenant.apiKey),
      body: (i) => gql(PG_TICKET_BY_ID, { id: postgraphileNodeId(dataset.tenant.id, dataset.ticketIds[i % dataset.ticketIds.length]!) }),
      ok: okWhen((d) => !!d.node?.id),
    }),
  },
];

// ------------------------------------------------------------------ availability

let schema: GraphQLSchema | null = null;

/** Null when Tandem's printed schema accepts the scenario's document, else why not. */
export function unavailableReason(scenario: Scenario): string | null {
  if (scenario.server !== "tandem") return null;
  schema ??= buildSchema(readFileSync(path.join(ROOT_DIR, "schema.graphql"), "utf8"));
  const errors = validate(schema, parse(scenario.document));
  return errors.length ? errors.map((e) => e.message).join("; ") : null;
}
