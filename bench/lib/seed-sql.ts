// The bulk of a benchmark dataset, generated inside the database with
// INSERT … SELECT generate_series(…): no rows travel over the wire, so 500k
// tickets and 2.5M messages take seconds, not an hour of Prisma round trips.
// Tenants, the queue operator and API keys go through Tandem's own code first
// (see datasets.ts); these statements fill in everything tenant-owned.
//
// Ids are md5-derived (opaque, 25 characters like a cuid); timestamps spread over
// the last 90 days so "the last 30 days" metrics cover about a third of the data.

export interface SeedShape {
  contactsPerTenant: number;
  ticketsPerTenant: number;
  messagesPerTicket: number;
  /** Settlements, compliance checks and records per tenant (back office, for metrics). */
  backOfficePerTenant: number;
  articlesPerTenant: number;
}

const SUBJECTS = [
  "Claim status for water damage", "Change of address on my policy", "Why did my premium go up?",
  "No internet since this morning", "Roaming charges on my bill", "Port my number to a new plan",
  "Refund not received", "Card blocked after travel", "Cannot log in to the app", "Duplicate charge on invoice",
  "Cancel my subscription", "Delivery is late", "Wrong item received", "Update payment method",
  "Question about my contract end date", "Request a copy of my data", "Complaint about a call centre agent",
  "Router keeps restarting", "Insurance certificate needed", "Add a driver to my car policy",
  "Direct debit failed", "Meter reading dispute", "Upgrade my plan", "Lost my SIM card",
  "Broken screen repair claim", "Password reset email never arrives", "Invoice in the wrong currency",
  "Moving abroad: what happens to my account?", "Discount not applied", "Appointment reschedule",
];

const CONTACT_LINES = [
  "Hello, I have been waiting for an answer for a few days now. Could someone please look into this?",
  "I attached the screenshot of the error. It happens every time I open the app on my phone.",
  "My reference number is in the previous email. I would appreciate a quick update, thank you.",
  "This is the second time this happens this month. I would like to understand what is going on.",
  "Thanks, that worked. One more question: will this change show on my next invoice?",
  "Can you call me back tomorrow morning? I am available between 9 and 11.",
];

const OPERATOR_LINES = [
  "Thank you for reaching out. I have checked your account and forwarded the case to the right team.",
  "I am sorry for the trouble. I have applied a correction; it will show within two working days.",
  "Could you confirm the date of birth on the account so I can verify your identity?",
  "The issue has been fixed on our side. Please let us know if you still see the problem.",
  "I have escalated this to our billing specialists; you will hear from us within 24 hours.",
];

const ASSISTANT_LINES = [
  "Here is what our help centre says about this (source: Billing FAQ). A colleague will follow up if needed.",
  "I found an article that may help (source: Getting started). Did this answer your question?",
];

const NOTE_LINES = [
  "Internal: customer is a long-standing client, offer a goodwill credit if the refund is delayed.",
  "Internal: checked logs, the outage ticket INC-2291 covers this area.",
];

const FIRST = ["Maria", "John", "Aiko", "Peter", "Fatima", "Luis", "Olga", "Kwame", "Chen", "Sara", "Ahmed", "Lena", "Diego", "Priya", "Tom", "Ines", "Yusuf", "Hana", "Marco", "Zoe"];
const LAST = ["Lopez", "Carter", "Tanaka", "Novak", "Khan", "Ortega", "Ivanova", "Mensah", "Wei", "Berg", "Hassan", "Muller", "Silva", "Patel", "Brown", "Costa", "Demir", "Sato", "Rossi", "Martin"];

/** A SQL array literal of strings (our own constants, quotes doubled). */
function arr(values: readonly string[]): string {
  return `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]`;
}

function int(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`Expected a non-negative integer, got ${n}`);
  return n;
}

/**
 * Statements that fill the tenants listed in the temporary table `bench_tenant(tenant_id, tno)`
 * and assign tickets among `bench_assignee(tenant_id, idx, operator_id)` / `bench_assignee_count`.
 */
export function seedStatements(shape: SeedShape): { label: string; sql: string }[] {
  const contacts = int(shape.contactsPerTenant);
  const tickets = int(shape.ticketsPerTenant);
  const messages = int(shape.messagesPerTicket);
  const backOffice = int(shape.backOfficePerTenant);
  const articles = int(shape.articlesPerTenant);
  const tenantIds = `SELECT tenant_id FROM bench_tenant`;
  return [
    {
      label: "contacts",
      sql: `INSERT INTO "Contact" ("tenantId", id, name, email, phone, "telegramUserId", "telegramChatId", locale, tags, "createdAt", "updatedAt")
        SELECT t.tenant_id, 'c' || substr(md5(t.tenant_id || ':c:' || c), 1, 24),
          (${arr(FIRST)})[1 + c % 20] || ' ' || (${arr(LAST)})[1 + (c / 20) % 20] || CASE WHEN c > 400 THEN ' ' || c ELSE '' END,
          CASE WHEN c % 4 <> 0 THEN 'customer' || c || '@mail' || t.tno || '.example.com' END,
          CASE WHEN c % 3 <> 0 THEN '+1555' || lpad(c::text, 7, '0') END,
          CASE WHEN c % 2 = 0 THEN 700000000 + c END,
          CASE WHEN c % 2 = 0 THEN 700000000 + c END,
          (ARRAY['en','de','pt-BR','fr'])[1 + c % 4],
          CASE WHEN c % 10 = 0 THEN ARRAY['vip'] ELSE ARRAY[]::text[] END,
          now() - interval '400 days' + c * interval '17 minutes', now() - interval '30 days'
        FROM bench_tenant t CROSS JOIN generate_series(1, ${contacts}) c`,
    },
    {
      // Older tickets are mostly closed; the newest tenth is the open backlog.
      label: "tickets",
      sql: `INSERT INTO "Ticket" ("tenantId", id, number, subject, status, priority, channel, "contactId", "assigneeId", tags,
          "needsHuman", "firstResponseDueAt", "resolutionDueAt", "firstRespondedAt", "resolvedAt", "closedAt", "createdAt", "updatedAt",
          "firstResponseLate", "resolutionLate")
        SELECT s.tenant_id, s.id, s.n, s.subject, s.status::"TicketStatus", s.priority::"Priority", s.channel::"Channel", s.contact_id,
          s.assignee_id, s.tags, s.status = 'OPEN' AND s.n % 7 = 0,
          s.created + s.frt * interval '1 minute', s.created + s.rt * interval '1 minute',
          CASE WHEN s.status <> 'OPEN' OR s.n % 3 = 0 THEN least(now(), s.created + s.gap * interval '1 minute') END,
          CASE WHEN s.status IN ('RESOLVED','CLOSED') THEN s.created + (s.gap * 4 + s.n % 600) * interval '1 minute' END,
          CASE WHEN s.status = 'CLOSED' THEN s.created + (s.gap * 4 + s.n % 600 + 1440) * interval '1 minute' END,
          s.created, least(now(), s.created + s.gap * 4 * interval '1 minute'),
          (s.status <> 'OPEN' OR s.n % 3 = 0) AND s.gap > s.frt,
          s.status IN ('RESOLVED','CLOSED') AND s.gap * 4 + s.n % 600 > s.rt
        FROM (
          SELECT t.tenant_id, n, 'k' || substr(md5(t.tenant_id || ':k:' || n), 1, 24) AS id,
            (${arr(SUBJECTS)})[1 + (n * 7 + t.tno) % ${SUBJECTS.length}] AS subject,
            CASE WHEN n > ${tickets} * 0.9 THEN (ARRAY['OPEN','OPEN','PENDING'])[1 + n % 3]
                 WHEN n % 23 = 0 THEN 'OPEN' WHEN n % 5 = 0 THEN 'RESOLVED' ELSE 'CLOSED' END AS status,
            p.priority, p.frt, p.rt,
            (ARRAY['TELEGRAM','TELEGRAM','EMAIL','WEB','API','PHONE'])[1 + n % 6] AS channel,
            'c' || substr(md5(t.tenant_id || ':c:' || (1 + (n * 7919) % ${contacts})), 1, 24) AS contact_id,
            CASE WHEN n % 5 = 0 THEN NULL ELSE a.operator_id END AS assignee_id,
            CASE WHEN n % 4 = 0 THEN ARRAY['billing'] WHEN n % 9 = 0 THEN ARRAY['outage','network'] ELSE ARRAY[]::text[] END AS tags,
            now() - interval '90 days' + (n::float8 / ${tickets}) * interval '90 days' - (n % 97) * interval '1 minute' AS created,
            5 + (n * 37) % 120 AS gap
          FROM bench_tenant t
          CROSS JOIN generate_series(1, ${tickets}) n
          JOIN bench_assignee_count ac ON ac.tenant_id = t.tenant_id
          JOIN bench_assignee a ON a.tenant_id = t.tenant_id AND a.idx = n % ac.cnt
          CROSS JOIN LATERAL (SELECT (ARRAY['NORMAL','NORMAL','NORMAL','LOW','HIGH','URGENT'])[1 + (n * 13) % 6] AS priority) pr
          CROSS JOIN LATERAL (SELECT pr.priority,
            CASE pr.priority WHEN 'URGENT' THEN 30 WHEN 'HIGH' THEN 60 WHEN 'NORMAL' THEN 240 ELSE 480 END AS frt,
            CASE pr.priority WHEN 'URGENT' THEN 240 WHEN 'HIGH' THEN 480 WHEN 'NORMAL' THEN 1440 ELSE 4320 END AS rt) p
        ) s`,
    },
    {
      // The thread: the customer writes, someone answers (assistant when unassigned), back and forth.
      label: "messages",
      sql: `INSERT INTO "Message" ("tenantId", id, "ticketId", author, "authorId", "contactId", body, internal, "createdAt")
        SELECT k."tenantId", 'm' || substr(md5(k.id || ':' || m), 1, 24), k.id, x.author::"MessageAuthor",
          CASE x.author WHEN 'OPERATOR' THEN k."assigneeId" WHEN 'CONTACT' THEN k."contactId" END,
          CASE WHEN x.author = 'CONTACT' THEN k."contactId" END,
          CASE WHEN m = 1 THEN k.subject || '. ' ELSE '' END ||
          CASE x.author WHEN 'CONTACT' THEN (${arr(CONTACT_LINES)})[1 + (k.number + m) % ${CONTACT_LINES.length}]
                        WHEN 'OPERATOR' THEN CASE WHEN x.internal THEN (${arr(NOTE_LINES)})[1 + k.number % ${NOTE_LINES.length}]
                                                  ELSE (${arr(OPERATOR_LINES)})[1 + (k.number + m) % ${OPERATOR_LINES.length}] END
                        ELSE (${arr(ASSISTANT_LINES)})[1 + k.number % ${ASSISTANT_LINES.length}] END,
          x.internal,
          least(now(), k."createdAt" + (m - 1) * (5 + (k.number * 37) % 120) * interval '1 minute')
        FROM "Ticket" k
        CROSS JOIN generate_series(1, ${messages}) m
        CROSS JOIN LATERAL (SELECT
          CASE WHEN m % 2 = 1 THEN 'CONTACT' WHEN k."assigneeId" IS NULL THEN 'ASSISTANT' ELSE 'OPERATOR' END AS author,
          m = 4 AND k."assigneeId" IS NOT NULL AND k.number % 6 = 0 AS internal) x
        WHERE k."tenantId" IN (${tenantIds})`,
    },
    {
      label: "feedback",
      sql: `INSERT INTO "Feedback" ("tenantId", id, kind, score, comment, "contactId", "ticketId", "createdAt")
        SELECT k."tenantId", 'f' || substr(md5(k.id || ':' || f.kind), 1, 24), f.kind::"FeedbackKind", f.score,
          CASE WHEN f.score <= 2 AND f.kind = 'CSAT' THEN 'Took too long to get an answer.' WHEN k.number % 11 = 0 THEN 'Quick and clear, thanks!' END,
          k."contactId", k.id, k."resolvedAt" + interval '1 hour'
        FROM "Ticket" k
        CROSS JOIN LATERAL (VALUES
          ('CSAT', (ARRAY[5,5,4,4,4,3,2,1,5,4])[1 + k.number % 10], k.number % 5 <> 4),
          ('NPS', (k.number * 3) % 11, k.number % 5 = 0),
          ('CES', 1 + ((k.number / 7) * 5) % 7, k.number % 7 = 0)) f(kind, score, wanted)
        WHERE k."tenantId" IN (${tenantIds}) AND k."resolvedAt" IS NOT NULL AND f.wanted`,
    },
    {
      label: "knowledge articles",
      sql: `INSERT INTO "KnowledgeArticle" ("tenantId", id, title, body, tags, published, "createdAt", "updatedAt")
        SELECT t.tenant_id, 'a' || substr(md5(t.tenant_id || ':a:' || a), 1, 24),
          (${arr(SUBJECTS)})[1 + a % ${SUBJECTS.length}] || ': what to do',
          'If this happens, first check your account page. ' || repeat('Our team answers within one working day; urgent cases are handled first. ', 3),
          ARRAY['faq'], a % 5 <> 0, now() - interval '200 days', now() - interval '20 days'
        FROM bench_tenant t CROSS JOIN generate_series(1, ${articles}) a`,
    },
    {
      label: "records",
      sql: `INSERT INTO "Record" ("tenantId", id, type, reference, title, data, "contactId", "retentionUntil", "legalHold", "createdAt", "updatedAt")
        SELECT t.tenant_id, 'r' || substr(md5(t.tenant_id || ':r:' || r), 1, 24),
          (ARRAY['contract','invoice','claim','customer_file'])[1 + r % 4], 'REF-' || lpad(r::text, 6, '0'),
          'Record ' || r, jsonb_build_object('amount', r * 10, 'status', 'active'),
          'c' || substr(md5(t.tenant_id || ':c:' || (1 + r % ${contacts})), 1, 24),
          now() + interval '7 years', r % 50 = 0, now() - interval '180 days', now() - interval '10 days'
        FROM bench_tenant t CROSS JOIN generate_series(1, ${backOffice}) r`,
    },
    {
      label: "settlements",
      sql: `INSERT INTO "Settlement" ("tenantId", id, reference, counterparty, "amountMinor", currency, direction, status, "valueDate",
          "idempotencyKey", "requestHash", "ticketId", "contactId", "settledAt", "createdAt", "updatedAt")
        SELECT t.tenant_id, 's' || substr(md5(t.tenant_id || ':s:' || s), 1, 24), 'PAY-' || lpad(s::text, 6, '0'),
          'Counterparty ' || (s % 37), 1000 + (s * 7919) % 500000, (ARRAY['EUR','USD','GBP'])[1 + s % 3],
          (ARRAY['PAYABLE','RECEIVABLE'])[1 + s % 2]::"SettlementDirection",
          (ARRAY['CLEARED','CLEARED','PENDING','FAILED','REVERSED'])[1 + s % 5]::"SettlementStatus",
          (now() - (s % 90) * interval '1 day')::date, 'bench-' || s, md5('bench-' || s),
          CASE WHEN s % 3 = 0 THEN 'k' || substr(md5(t.tenant_id || ':k:' || (1 + s % ${tickets})), 1, 24) END,
          'c' || substr(md5(t.tenant_id || ':c:' || (1 + s % ${contacts})), 1, 24),
          CASE WHEN s % 5 IN (0, 1, 4) THEN now() - (s % 90) * interval '1 day' END,
          now() - (s % 90) * interval '1 day', now() - (s % 90) * interval '1 day'
        FROM bench_tenant t CROSS JOIN generate_series(1, ${backOffice}) s`,
    },
    {
      label: "compliance checks",
      sql: `INSERT INTO "ComplianceCheck" ("tenantId", id, kind, status, "subjectContactId", "dueAt", notes, "decidedAt", "createdAt", "updatedAt")
        SELECT t.tenant_id, 'q' || substr(md5(t.tenant_id || ':q:' || q), 1, 24),
          (ARRAY['KYC','AML_SCREENING','POLICY_ATTESTATION','REGULATORY_FILING','DATA_SUBJECT_REQUEST'])[1 + q % 5]::"ComplianceKind",
          (ARRAY['PENDING','IN_REVIEW','PASSED','PASSED','FAILED','WAIVED'])[1 + q % 6]::"ComplianceStatus",
          'c' || substr(md5(t.tenant_id || ':c:' || (1 + q % ${contacts})), 1, 24),
          now() + ((q % 60) - 30) * interval '1 day', 'Check documents',
          CASE WHEN q % 6 >= 2 THEN now() - (q % 30) * interval '1 day' END,
          now() - interval '60 days', now() - interval '5 days'
        FROM bench_tenant t CROSS JOIN generate_series(1, ${backOffice}) q`,
    },
    {
      label: "back-office costs",
      sql: `INSERT INTO "BackOfficeCost" ("tenantId", id, "periodStart", "periodEnd", "amountMinor", currency)
        SELECT t.tenant_id, 'o' || substr(md5(t.tenant_id || ':o:' || p), 1, 24),
          (date_trunc('month', now()) - p * interval '1 month')::date,
          (date_trunc('month', now()) - (p - 1) * interval '1 month' - interval '1 day')::date,
          250000 + p * 1000, 'EUR'
        FROM bench_tenant t CROSS JOIN generate_series(0, 2) p`,
    },
    {
      // New tickets continue after the seeded numbers.
      label: "counters",
      sql: `INSERT INTO "TenantCounter" ("tenantId", id, value) SELECT tenant_id, 'ticket', ${tickets} FROM bench_tenant
        ON CONFLICT ("tenantId", id) DO UPDATE SET value = EXCLUDED.value`,
    },
  ];
}
