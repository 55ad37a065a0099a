// The offline answerer: used when no LLM is configured, and whenever the LLM fails
// or is too slow. Intent rules decide between a person, case status, a new case and
// a question; a question is answered from the best article only when the ranking is
// confident, otherwise the customer is told plainly and offered a case.
import { clip } from "../clean-text.js";
import { texts } from "../texts.js";
import { confidentHit, excerpt, warmUp } from "./article-index.js";
import { asksForPerson, detectIntent } from "./intents.js";
import type { Assistant, AssistantContext, AssistantReply, FrontDeskTools } from "./types.js";

/** Words from which a message is a story (what happened), not a one-line outburst. */
const STORY_WORDS = 15;

export class OfflineAssistant implements Assistant {
  readonly name = "offline" as const;

  constructor() {
    // Once per process and off the first customer's reply (0.4 s from the cache, seconds without it).
    setTimeout(warmUp, 0).unref();
  }

  async reply(text: string, tools: FrontDeskTools, context: AssistantContext): Promise<AssistantReply> {
    const t = texts(context.locale);
    const by = this.name;
    switch (detectIntent(text)) {
      case "human": {
        const r = await tools.requestHuman(text);
        const handed = r.alreadyWaiting ? t.humanAlready(r.case.number) : t.humanRequested(r.case.number, r.created);
        // A frustrated customer who told what went wrong also gets the article that fits, if one clearly does.
        if (asksForPerson(text) || text.trim().split(/\s+/).length < STORY_WORDS) return { by, text: handed };
        const hit = confidentHit(await tools.searchKnowledgeBase(text));
        return hit ? { by, text: `${handed}\n\n${t.answer(hit.title, excerpt(hit.body))}`, cited: { id: hit.id, title: hit.title } } : { by, text: handed };
      }
      case "status": {
        const cases = await tools.caseStatus();
        return { by, text: cases.length ? [t.yourCases, ...cases.map((c) => t.caseLine(c))].join("\n") : t.noCases };
      }
      case "new_case": {
        const r = await tools.openCase(subjectFrom(text), text);
        return { by, text: r.created ? t.caseOpened(r.case.number) : t.alreadyOpen(r.case.number) };
      }
      case "question": {
        const hit = confidentHit(await tools.searchKnowledgeBase(text));
        const answer = hit ? t.answer(hit.title, excerpt(hit.body)) : null;
        const cited = hit ? { id: hit.id, title: hit.title } : undefined;
        // With a case open, the message is already in its thread: a person will see it.
        if (context.openCase) {
          const added = t.addedToCase(context.openCase.number);
          return { by, text: answer ? `${answer}\n\n${added}` : added, cited };
        }
        return answer ? { by, text: answer, cited } : { by, text: t.notFound, unanswered: true };
      }
    }
  }
}

/** A ticket subject from a customer's words: the first sentence, at most 120 characters. */
export function subjectFrom(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const first = flat.split(/(?<=[.!?])\s/)[0] ?? flat;
  return clip(first, 120) || "Question from Telegram";
}
