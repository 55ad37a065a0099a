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

// Scenario 1 selects what a ticket list shows. A wider selection (priority, channel,
// contact email, message ids, pageInfo) is refused by the query cost limit
// (graphql-armor: "Query Cost limit of 5000 exceeded, found 6246.25").

const TICKET_BY_ID = /* GraphQL */ `
  query TicketById($id: ID!) {
    node(id: $id) {
      ... on Ticket {
        id number subject status priority channel tags createdAt updatedAt firstResponseDueAt resolutionDueAt
        contact { id name email }
      }
    }
  }`;

const TICKETS = /* GraphQL */ `
  query Tickets {
    tickets(first: 20, orderBy: { field: CREATED_AT, direction: DESC }) {
      edges {
        node {
          id number subject status createdAt
          contact { name }
          assignee { name }
          messages(last: 3) { edges { node { author body createdAt } } }
        }
      }
    }
  }`;

const CREATE_TICKET = /* GraphQL */ `
  mutation CreateTicket($input: CreateTicketInput!) {
    createTicket(input: $input) {
      __typename
      ... on CreateTicketSuccess { data { id number status firstResponseDueAt } }
      ... on Error { message }
    }
  }`;

const METRICS = /* GraphQL */ `
  query Metrics($from: DateTime!, $to: DateTime!) {
    metrics(from: $from, to: $to) {
      ticketsOpened ticketsResolved medianFirstResponseMinutes medianResolutionMinutes
      csat { responses satisfied score }
      nps { responses promoters passives detractors score }
      ces { responses average }
      backlog { status count }
      slaBreaches { firstResponse resolution }
    }
  }`;

const QUEUE = /* GraphQL */ `
  query Queue {
    queue(first: 20, filter: { status: [OPEN, PENDING] }) {
      edges {
        node {
          id number subject status priority createdAt slaBreached
          tenant { slug name }
          contact { id name }
          assignee { id name }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }`;

const SUBJECTS = ["Refund not received", "Cannot log in", "Change of address", "Duplicate charge", "Router keeps restarting"];

export const TANDEM_SCENARIOS: Scenario[] = [
  {
    id: "1",
    title: "tickets(first: 20) + contact, assignee, last 3 messages",
    server: "tandem",
    document: TICKETS,
    workload: ({ dataset }) => ({
      headers: bearer(dataset.tenant.apiKey),
      body: () => gql(TICKETS),
      ok: okWhen((d) => d.tickets?.edges?.length === 20 && d.tickets.edges.every((e: any) => e.node.messages.edges.length === 3)),
    }),
  },
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
  {
    // Writes go to the second tenant, so the first tenant's reads stay the same from run to run.
    id: "3",
    title: "createTicket",
    server: "tandem",
    document: CREATE_TICKET,
    workload: ({ dataset }) => {
      const tenant = dataset.apiKeys[1] ?? dataset.tenant;
      const contacts = dataset.writeContactIds;
      return {
        headers: bearer(tenant.apiKey),
        body: (i) =>
          gql(CREATE_TICKET, {
            input: {
              contactId: tandemGlobalId("Contact", contacts[i % contacts.length]!),
              subject: `${SUBJECTS[i % SUBJECTS.length]} (#${i})`,
              body: "Hello, I was charged twice for the same order last week. Could you please look into it and refund one of the charges?",
              priority: i % 10 === 0 ? "HIGH" : "NORMAL",
              channel: "API",
            },
          }),
        ok: okWhen((d) => d.createTicket?.__typename === "CreateTicketSuccess"),
      };
    },
  },
  {
    id: "4",
    title: "metrics, last 30 days",
    server: "tandem",
    document: METRICS,
    workload: ({ dataset }) => {
      const to = new Date();
      const from = new Date(to.getTime() - 30 * 86_400_000);
      return {
        headers: bearer(dataset.tenant.apiKey),
        body: () => gql(METRICS, { from: from.toISOString(), to: to.toISOString() }),
        ok: okWhen((d) => typeof d.metrics?.ticketsOpened === "number" && d.metrics.ticketsOpened > 0),
      };
    },
  },
  {
    id: "5",
    title: `operator queue across tenants`,
    server: "tandem",
    document: QUEUE,
    workload: ({ operatorToken }) => {
      if (!operatorToken) throw new Error("Scenario 5 needs the operator token");
      return {
        headers: bearer(operatorToken),
        body: () => gql(QUEUE),
        ok: okWhen((d) => d.queue?.edges?.length === 20),
      };
    },
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
        id number subject status createdAt assigneeId
        contactByTenantIdAndContactId { name }
        messagesByTenantIdAndTicketId(first: 3, orderBy: [CREATED_AT_DESC]) { nodes { author body createdAt } }
      }
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
