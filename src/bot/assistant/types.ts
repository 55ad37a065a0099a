// One interface for the front desk's assistant, with two implementations: the LLM
// (openai.ts) and the offline answerer (offline.ts), which also serves as fallback.

export interface ArticleHit {
  id: string;
  title: string;
  body: string;
  score: number;
}

export interface CaseSummary {
  number: number;
  subject: string;
  status: string;
  needsHuman: boolean;
}

/**
 * What the assistant may do. Every tool acts only in the current tenant and for the
 * current chat's contact: the assistant never supplies ids.
 */
export interface FrontDeskTools {
  searchKnowledgeBase(query: string): Promise<ArticleHit[]>;
  openCase(subject: string, summary: string): Promise<CaseSummary>;
  caseStatus(): Promise<CaseSummary[]>;
  addToCase(text: string): Promise<CaseSummary | null>;
  requestHuman(reason: string): Promise<{ ticket: CaseSummary; created: boolean }>;
}

export interface AssistantReply {
  text: string;
  /** The knowledge article the answer came from, if any. */
  cited?: { id: string; title: string };
  /** True when nothing supported an answer (counts towards offering a person). */
  unanswered?: boolean;
  /** Which implementation answered. */
  by: "openai" | "offline";
}

export interface Assistant {
  readonly name: "openai" | "offline";
  reply(text: string, tools: FrontDeskTools, context: { locale: string; openCase: CaseSummary | null }): Promise<AssistantReply>;
}
