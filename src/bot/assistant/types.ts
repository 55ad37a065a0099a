// One interface for the front desk's assistant, with two implementations: the LLM
// (openai.ts) and the offline answerer (offline.ts), which also takes over whenever
// the LLM is not configured, fails or is too slow.

export interface ArticleHit {
  id: string;
  title: string;
  body: string;
  /** Ranking score (BM25): only comparable within one query. */
  score: number;
  /** The share of the question's words the article matched, 0–1. */
  coverage: number;
  /** For the best hit: the calibrated probability that it answers the question (0 for the others). */
  confidence?: number;
}

export interface CaseSummary {
  number: number;
  subject: string;
  status: string;
  needsHuman: boolean;
}

export interface CaseResult {
  case: CaseSummary;
  /** True when this turn created the case (not an open one that already existed). */
  created: boolean;
}

export interface HumanResult extends CaseResult {
  /** The case was already waiting for a person before this request. */
  alreadyWaiting: boolean;
}

/**
 * What the assistant may do. Every tool acts only in the current tenant and for the
 * current chat's contact, which the front desk bound when it built the tools: the
 * assistant passes words (a query, a subject), never ids.
 */
export interface FrontDeskTools {
  searchKnowledgeBase(query: string): Promise<ArticleHit[]>;
  /** Opens a case from the conversation, or returns the customer's open case. */
  openCase(subject: string, summary: string): Promise<CaseResult>;
  /** The customer's own cases, newest first. */
  caseStatus(): Promise<CaseSummary[]>;
  /** Puts the customer's current message into their latest case (reopening a finished one); null without a case. */
  addToCase(): Promise<{ case: CaseSummary; added: boolean } | null>;
  /** Flags the customer's case for a person, opening one if they have none. */
  requestHuman(reason: string): Promise<HumanResult>;
}

export interface ChatTurn {
  role: "user" | "assistant";
  text: string;
}

export interface AssistantContext {
  tenantName: string;
  locale: string;
  /** The customer's newest OPEN or PENDING case; their current message is already in its thread. */
  openCase: CaseSummary | null;
  /** The last turns of this chat, oldest first, for the LLM's understanding only. */
  history: ChatTurn[];
}

export interface AssistantReply {
  text: string;
  /** The knowledge article the answer came from, if any. */
  cited?: { id: string; title: string };
  /** True when nothing supported an answer (counts towards bringing a person in). */
  unanswered?: boolean;
  /** Which implementation answered. */
  by: "openai" | "offline";
}

export interface Assistant {
  readonly name: "openai" | "offline";
  reply(text: string, tools: FrontDeskTools, context: AssistantContext): Promise<AssistantReply>;
}
