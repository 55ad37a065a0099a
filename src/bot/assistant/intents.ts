// What a customer wants when it is not a question for the knowledge base: a person,
// the status of their cases, or a new case. Rules, not a model: they must work with
// no LLM and be predictable. English and German; a question is the default.

export type Intent = "human" | "status" | "new_case" | "question";

const WHO = "(?:human|person|people|agent|operator|someone|somebody|representative|staff|advis[eo]r|manager|real one)";

const HUMAN: RegExp[] = [
  new RegExp(`\\b(?:talk|speak|chat|get through|put me through|connect me|transfer me|pass me)\\b.{0,25}\\b${WHO}\\b`, "i"),
  /\b(?:real|live|actual|human) (?:person|human|agent|people|being)\b/i,
  /^\s*(?:human|agent|operator|person|representative|(?:a |an )?(?:human|agent|operator|person) please)\s*[.!?]*\s*$/i,
  /\b(?:not|stop) (?:talking to )?(?:a |this |the )?(?:bot|robot|machine)\b/i,
  /\b(?:mit )?(?:einem |einer )?(?:menschen|mitarbeiter(?:in)?|berater(?:in)?|echten person)\b.{0,20}\b(?:sprechen|reden)\b/i,
  /\b(?:mensch|mitarbeiter) bitte\b/i,
];

const FRUSTRATION: RegExp[] = [
  /\b(?:useless|stupid|ridiculous|terrible|awful|furious|fed up|scam|worst|hopeless|unacceptable|pathetic|waste of (?:my )?time|not helping|doesn'?t help|no help)\b/i,
  /!!!|\?\?\?/,
  /\b(?:nutzlos|unverschämt|frechheit|katastrophe|hilft nicht)\b/i,
];

const CASE_WORD = "(?:case|ticket|complaint|request|enquiry|inquiry)";

const STATUS: RegExp[] = [
  new RegExp(`\\b(?:status|progress|update|news)\\b.{0,30}\\b(?:my|our|the) ${CASE_WORD}s?\\b`, "i"),
  new RegExp(`\\bmy ${CASE_WORD}s?\\b.{0,30}\\b(?:status|progress|going|happening|update|news|open|resolved|closed)\\b`, "i"),
  new RegExp(`\\b(?:where|what) (?:is|are|'s) (?:happening with )?my ${CASE_WORD}s?\\b`, "i"),
  new RegExp(`\\b(?:check|follow up)(?: on)? my ${CASE_WORD}s?\\b`, "i"),
  /\bany (?:news|updates?)\b/i,
  new RegExp(`\\b${CASE_WORD} #?\\d+\\b`, "i"),
  /\b(?:stand|status)\b.{0,20}\b(?:meines|meiner|meinem|mein)\b.{0,10}\b(?:falls?|tickets?|anfrage|beschwerde)\b/i,
  /\bwas ist mit meine[mr]? (?:fall|ticket|anfrage)\b/i,
];

const NEW_CASE: RegExp[] = [
  new RegExp(`\\b(?:open|create|start|file|raise|log|submit|make|lodge)\\b (?:a |an |new |another |one )*${CASE_WORD}\\b`, "i"),
  /\bi (?:want|would like|wish|need) to (?:complain|make a complaint)\b/i,
  /\b(?:fall|ticket|beschwerde|anfrage) (?:eröffnen|aufmachen|anlegen|erstellen)\b/i,
];

/** "How do I make a complaint?" asks how it is done (the knowledge base may say), not for a case now. */
const HOW_TO = /^\s*(?:(?:hi|hello|hey|hiya)\W+)?(?:how|where|who|what)\b.{0,20}\b(?:do|can|should|would|could|does) (?:i|we|one|you)\b/i;

export function detectIntent(text: string): Intent {
  if (HUMAN.some((r) => r.test(text)) || FRUSTRATION.some((r) => r.test(text))) return "human";
  if (STATUS.some((r) => r.test(text))) return "status";
  if (NEW_CASE.some((r) => r.test(text)) && !HOW_TO.test(text)) return "new_case";
  return "question";
}

/** The customer asked for a person in so many words (not only sounded frustrated). */
export function asksForPerson(text: string): boolean {
  return HUMAN.some((r) => r.test(text));
}
