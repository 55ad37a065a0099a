// What the front desk says when it speaks without an LLM, per locale (English is
// the fallback). Every sentence is true about what just happened.
type Texts = typeof en;

const en = {
  welcome: (tenant: string) =>
    `Hello! This is the ${tenant} help desk. Ask me anything in your own words — I answer from ${tenant}'s help articles.\n\n/new opens a case, /status shows your cases, /human asks for a person.`,
  help: "Write your question in your own words.\n/new — open a case with a person\n/status — the status of your cases\n/human — ask for a person",
  answer: (title: string, body: string) => `${body}\n\n(From our help article “${title}”.)`,
  helpfulQuestion: "Did this answer your question?",
  notFound: "I could not find this in our help articles, so I won't guess. Shall I open a case so a person can help? Send /new, or tell me more.",
  caseOpened: (n: number) => `I opened case #${n} for you. A person from our team will reply in this chat. Anything you write here now is added to the case.`,
  addedToCase: (n: number) => `Added to your case #${n}. A person from our team will reply in this chat.`,
  noCases: "You have no cases with us yet. Send /new to open one.",
  caseLine: (c: { number: number; subject: string; status: string }) => `#${c.number} — ${c.subject}: ${statusName(c.status)}`,
  yourCases: "Your cases:",
  humanRequested: (n: number) =>
    `I flagged case #${n} for a person. Someone from our team will answer here as soon as they can — I can't promise an exact time. You can keep writing; everything goes into the case.`,
  humanAlready: (n: number) => `Case #${n} is already waiting for a person. They will answer here; you can add details meanwhile.`,
  newCasePrompt: "Please describe your problem in one message and I will open a case with it.",
  rateQuestion: (n: number) => `Case #${n} was marked as resolved. How satisfied are you with the help you got?`,
  npsQuestion: "How likely are you to recommend us to a friend (0 = not at all, 10 = very likely)?",
  cesQuestion: "How easy was it to get your issue handled (1 = very hard, 7 = very easy)?",
  thanksRating: "Thank you for your rating!",
  alreadyRated: "You already rated this case — thank you, we kept your first answer.",
  thanksFeedback: "Thanks for telling us.",
  unsupported: "I can only read text messages. Please describe your question in words.",
  groupsOff: "I only answer in private chats. Please write to me directly.",
  operatorReply: (n: number, body: string) => `Reply on case #${n}:\n\n${body}`,
  error: "Something went wrong on our side. Please try again in a minute.",
};

const STATUS: Record<string, string> = { OPEN: "open, with our team", PENDING: "waiting for your reply", RESOLVED: "resolved", CLOSED: "closed" };
function statusName(s: string): string {
  return STATUS[s] ?? s.toLowerCase();
}

const LOCALES: Record<string, Texts> = { en };

export function texts(locale: string | null | undefined): Texts {
  return LOCALES[(locale ?? "en").slice(0, 2)] ?? en;
}
