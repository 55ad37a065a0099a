// What the front desk says when it speaks without an LLM, per locale. English is
// complete and the fallback; another locale is one more object of the same type, so
// the compiler says what a translation is missing. Every sentence is true about
// what just happened: the bot never announces a case, a person or a promise that
// was not made.

export interface CaseLine {
  number: number;
  subject: string;
  status: string;
  needsHuman: boolean;
}

export type MediaKind = "photo" | "sticker" | "voice" | "video" | "document" | "audio" | "location" | "contact" | "other";

export interface Texts {
  welcome(tenant: string): string;
  help: string;
  /** An answer taken from one article: the article is named. */
  answer(title: string, body: string): string;
  helpfulYes: string;
  helpfulNo: string;
  notFound: string;
  caseOpened(n: number): string;
  alreadyOpen(n: number): string;
  addedToCase(n: number): string;
  noCases: string;
  yourCases: string;
  caseLine(c: CaseLine): string;
  humanRequested(n: number, opened: boolean): string;
  humanAlready(n: number): string;
  handOverAfterMisses(n: number, opened: boolean): string;
  newCasePrompt: string;
  rateQuestion(n: number): string;
  npsQuestion: string;
  cesQuestion: string;
  thanksRating: string;
  alreadyRated: string;
  ratingGone: string;
  thanksFeedback: string;
  unsupported(kind: MediaKind): string;
  mediaNotedInCase(kind: MediaKind, n: number): string;
  editNotSeen: string;
  groupsOff(bot: string): string;
  privateOnly(bot: string): string;
  groupHelp(bot: string): string;
  groupNotFound(bot: string): string;
  operatorReply(n: number, body: string): string;
  caseUpdate(n: number, body: string): string;
  error: string;
}

const STATUS_EN: Record<string, string> = {
  OPEN: "open, with our team",
  PENDING: "waiting for your reply",
  RESOLVED: "resolved",
  CLOSED: "closed",
};

const MEDIA_EN: Record<MediaKind, string> = {
  photo: "photos",
  sticker: "stickers",
  voice: "voice messages",
  video: "videos",
  document: "files",
  audio: "audio",
  location: "locations",
  contact: "shared contacts",
  other: "this kind of message",
};

const en: Texts = {
  welcome: (tenant) =>
    `Hello! This is the ${tenant} help desk. Ask me anything in your own words — I answer from ${tenant}'s help articles and tell you which one.\n\n/new opens a case, /status shows your cases, /human asks for a person.`,
  help: "Write your question in your own words.\n/new — open a case for our team\n/status — the status of your cases\n/human — ask for a person",
  answer: (title, body) => `${body}\n\n(From our help article “${title}”.)`,
  helpfulYes: "👍 That helped",
  helpfulNo: "👎 Not really",
  notFound:
    "I could not find this in our help articles, so I won't guess. I can open a case so a person from our team answers you: send /new, or tell me more.",
  caseOpened: (n) => `I opened case #${n} for you. A person from our team will reply in this chat. Anything you write here now is added to the case.`,
  alreadyOpen: (n) => `You already have case #${n} open, so I added your message to it. Send /new if this is a different matter.`,
  addedToCase: (n) => `I added this to your case #${n}; our team will see it there.`,
  noCases: "You have no cases with us. Send /new to open one.",
  yourCases: "Your cases:",
  caseLine: (c) => `#${c.number} — ${c.subject}: ${STATUS_EN[c.status] ?? c.status.toLowerCase()}${c.needsHuman ? " (waiting for a person)" : ""}`,
  humanRequested: (n, opened) =>
    `${opened ? `I opened case #${n} and asked` : `I asked`} for a person from our team to take over case #${n}. They will answer here in this chat; I can't promise an exact time. Everything you write meanwhile goes into the case.`,
  humanAlready: (n) => `Case #${n} is already waiting for a person from our team. They will answer here; you can add details meanwhile.`,
  handOverAfterMisses: (n, opened) =>
    `I couldn't answer your last questions from our help articles, so ${opened ? `I opened case #${n} and asked` : `I asked`} a person from our team to take over. They will answer here in this chat.`,
  newCasePrompt: "Please describe your problem in one message and I will open a case with it.",
  rateQuestion: (n) => `Case #${n} was marked as resolved. How satisfied are you with the help you got?`,
  npsQuestion: "How likely are you to recommend us to a friend? (0 = not at all, 10 = very likely)",
  cesQuestion: "How easy was it to get your issue handled? (1 = very hard, 7 = very easy)",
  thanksRating: "Thank you for your rating!",
  alreadyRated: "You already rated this — thank you, we kept your first answer.",
  ratingGone: "This rating is no longer available.",
  thanksFeedback: "Thanks for telling us.",
  unsupported: (kind) => `I can't read ${MEDIA_EN[kind]}. Please describe your question in words.`,
  mediaNotedInCase: (kind, n) =>
    `I can't open ${MEDIA_EN[kind]}, but I noted in case #${n} that you sent one. Please describe what it shows in words, so our team can act on it.`,
  editNotSeen: "I only see new messages, not edits. Please send the corrected text as a new message.",
  groupsOff: (bot) => `I only answer in private chats. Please write to me directly: @${bot}`,
  privateOnly: (bot) => `Your cases are private: please write to me directly at @${bot}.`,
  groupHelp: (bot) => `Mention me (@${bot}) with a question and I answer from our help articles. For your own cases, write to me privately.`,
  groupNotFound: (bot) => `I could not find this in our help articles. For help with your own situation, write to me privately: @${bot}`,
  operatorReply: (n, body) => `Reply from our team on case #${n}:\n\n${body}`,
  caseUpdate: (n, body) => `Update on case #${n}:\n\n${body}`,
  error: "Something went wrong on our side and I could not finish that. Please try again in a minute.",
};

const STATUS_DE: Record<string, string> = {
  OPEN: "offen, bei unserem Team",
  PENDING: "wartet auf Ihre Antwort",
  RESOLVED: "gelöst",
  CLOSED: "geschlossen",
};

const MEDIA_DE: Record<MediaKind, string> = {
  photo: "Fotos",
  sticker: "Sticker",
  voice: "Sprachnachrichten",
  video: "Videos",
  document: "Dateien",
  audio: "Audiodateien",
  location: "Standorte",
  contact: "geteilte Kontakte",
  other: "diese Art von Nachricht",
};

const de: Texts = {
  welcome: (tenant) =>
    `Hallo! Hier ist der Kundenservice von ${tenant}. Fragen Sie mich in Ihren eigenen Worten — ich antworte aus den Hilfeartikeln von ${tenant} und nenne den Artikel.\n\n/new eröffnet einen Fall, /status zeigt Ihre Fälle, /human holt eine Person dazu.`,
  help: "Schreiben Sie Ihre Frage in eigenen Worten.\n/new — einen Fall für unser Team eröffnen\n/status — der Stand Ihrer Fälle\n/human — eine Person sprechen",
  answer: (title, body) => `${body}\n\n(Aus unserem Hilfeartikel „${title}“.)`,
  helpfulYes: "👍 Hat geholfen",
  helpfulNo: "👎 Eher nicht",
  notFound:
    "Dazu habe ich in unseren Hilfeartikeln nichts gefunden, und ich rate nicht. Ich kann einen Fall eröffnen, damit Ihnen eine Person aus unserem Team antwortet: senden Sie /new, oder erzählen Sie mir mehr.",
  caseOpened: (n) => `Ich habe Fall #${n} für Sie eröffnet. Eine Person aus unserem Team antwortet hier im Chat. Alles, was Sie jetzt schreiben, kommt in den Fall.`,
  alreadyOpen: (n) => `Sie haben schon den offenen Fall #${n}; ich habe Ihre Nachricht dort hinzugefügt. Senden Sie /new, wenn es um etwas anderes geht.`,
  addedToCase: (n) => `Ich habe das zu Ihrem Fall #${n} hinzugefügt; unser Team sieht es dort.`,
  noCases: "Sie haben keine Fälle bei uns. Senden Sie /new, um einen zu eröffnen.",
  yourCases: "Ihre Fälle:",
  caseLine: (c) => `#${c.number} — ${c.subject}: ${STATUS_DE[c.status] ?? c.status.toLowerCase()}${c.needsHuman ? " (wartet auf eine Person)" : ""}`,
  humanRequested: (n, opened) =>
    `${opened ? `Ich habe Fall #${n} eröffnet und` : `Ich habe`} eine Person aus unserem Team gebeten, Fall #${n} zu übernehmen. Sie antwortet hier im Chat; eine genaue Zeit kann ich nicht versprechen. Was Sie bis dahin schreiben, kommt in den Fall.`,
  humanAlready: (n) => `Fall #${n} wartet schon auf eine Person aus unserem Team. Sie antwortet hier; Sie können bis dahin Details ergänzen.`,
  handOverAfterMisses: (n, opened) =>
    `Ihre letzten Fragen konnte ich aus unseren Hilfeartikeln nicht beantworten, deshalb ${opened ? `habe ich Fall #${n} eröffnet und` : `habe ich`} eine Person aus unserem Team gebeten zu übernehmen. Sie antwortet hier im Chat.`,
  newCasePrompt: "Bitte beschreiben Sie Ihr Anliegen in einer Nachricht, dann eröffne ich damit einen Fall.",
  rateQuestion: (n) => `Fall #${n} wurde als gelöst markiert. Wie zufrieden sind Sie mit der Hilfe?`,
  npsQuestion: "Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen? (0 = gar nicht, 10 = sehr wahrscheinlich)",
  cesQuestion: "Wie einfach war es, Ihr Anliegen zu klären? (1 = sehr schwer, 7 = sehr einfach)",
  thanksRating: "Danke für Ihre Bewertung!",
  alreadyRated: "Sie haben das schon bewertet — danke, wir behalten Ihre erste Antwort.",
  ratingGone: "Diese Bewertung ist nicht mehr möglich.",
  thanksFeedback: "Danke für die Rückmeldung.",
  unsupported: (kind) => `${MEDIA_DE[kind]} kann ich nicht lesen. Bitte beschreiben Sie Ihre Frage in Worten.`,
  mediaNotedInCase: (kind, n) =>
    `${MEDIA_DE[kind]} kann ich nicht öffnen, aber ich habe in Fall #${n} vermerkt, dass Sie etwas geschickt haben. Bitte beschreiben Sie es in Worten, damit unser Team handeln kann.`,
  editNotSeen: "Ich sehe nur neue Nachrichten, keine Änderungen. Bitte senden Sie den korrigierten Text als neue Nachricht.",
  groupsOff: (bot) => `Ich antworte nur in privaten Chats. Bitte schreiben Sie mir direkt: @${bot}`,
  privateOnly: (bot) => `Ihre Fälle sind privat: bitte schreiben Sie mir direkt an @${bot}.`,
  groupHelp: (bot) => `Erwähnen Sie mich (@${bot}) mit einer Frage, dann antworte ich aus unseren Hilfeartikeln. Für Ihre eigenen Fälle schreiben Sie mir privat.`,
  groupNotFound: (bot) => `Dazu habe ich in unseren Hilfeartikeln nichts gefunden. Für Hilfe in Ihrer eigenen Sache schreiben Sie mir privat: @${bot}`,
  operatorReply: (n, body) => `Antwort unseres Teams zu Fall #${n}:\n\n${body}`,
  caseUpdate: (n, body) => `Neuigkeit zu Fall #${n}:\n\n${body}`,
  error: "Bei uns ist etwas schiefgegangen, und ich konnte das nicht abschließen. Bitte versuchen Sie es in einer Minute noch einmal.",
};

const LOCALES: Record<string, Texts> = { en, de };

/** The texts for a tenant locale like `de` or `pt-BR`; English when the language has none yet. */
export function texts(locale: string | null | undefined): Texts {
  return LOCALES[(locale ?? "en").slice(0, 2).toLowerCase()] ?? en;
}

export const SUPPORTED_LOCALES = Object.keys(LOCALES);
