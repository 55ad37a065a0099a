// What the ranking knows about English, for any company's articles: words and their
// lemmas (wink-nlp with its English model), a Porter2 stem of each lemma as the key
// words are matched on, stop words, and general phrasings customers use instead of
// an article's words — amounts and units, "gone up", "all of it", support words.
// Nothing here is about one company or one topic.
import { createRequire } from "node:module";
import winkNLP from "wink-nlp";
import model from "wink-eng-lite-web-model";

const require = createRequire(import.meta.url);
const porter2 = require("wink-eng-lite-web-model/dist/porter-stemmer.js") as (word: string) => string;

const nlp = winkNLP(model, ["sbd", "pos", "ner", "negation", "sentiment"]);
const its = nlp.its;

export const STOP_WORDS = new Set(
  (
    "a an the i im i'm ive i've you we my me your our us is are was were be been am to of in on at for and or but it its this that these those " +
    "do does did doing done can could would should will shall may might must how what when where why which who whom with from by about into " +
    "have has had not no yes please hi hello hey hiya thanks thank there here then than so if just also get got any some very really " +
    "want need like know tell help question there's what's it's don't dont cant can't doesnt doesn't isn't wont won't ok okay " +
    "since still again one anyone someone something thing they them their he she his her him 're 's 've 'll 'd n't ll ve re " +
    "you're we're they're i'd i'll lot lots bit guys way even ever actually honestly literally basically " +
    // German
    "der die das den dem des ein eine einen einem einer ich sie wir mein meine meinen meinem ist sind war wie was wann wo warum und oder für " +
    "mit von zu bei auf nicht kein keine bitte danke hallo kann können möchte habe hat"
  ).split(" "),
);

/** Customers' phrasings rewritten to the words articles use, before words are looked up. */
const PHRASES: [RegExp, string][] = [
  [/\b(?:is|are|'s|'re)?\s*not working\b|\b(?:does ?n[o']?t|do ?n[o']?t|won'?t|stopped) work(?:ing)?\b|\bno (?:connection|signal|service)\b/gi, " down "],
  [/\bmoney back\b/gi, " refund "],
  [/\bmake a claim\b/gi, " file claim "],
  // more, less, all of it
  [/\b(?:gone|go|goes|went|going|put) up\b|\bmore expensive\b|\bhigher\b/gi, " increase "],
  [/\b(?:gone|go|goes|went|going) down\b|\bcheaper\b|\blower\b/gi, " decrease "],
  [/\b(?:all of it|the whole lot|whole amount|whole balance|everything (?:i|we) owe|in full|pay (?:it )?off|clear (?:it|the balance))\b/gi, " full balance "],
  [/\b(?:spread (?:it |the cost |the payments? )?out|in instalments|in installments|bit by bit|a bit at a time)\b/gi, " plan instalment "],
  [/\b(?:how much|what(?:'s| is| does it) cost)\b/gi, " cost "],
  [/\b(?:how long|how many days|how soon|how quickly)\b/gi, " long time "],
  [/\b(?:cut (?:us |me |it )?off|switched off|disconnect(?:ed)?)\b/gi, " disconnect "],
  // How a grievance is told: failing again and again, nobody answering, wanting it taken higher.
  [
    /\b(?:above you|(?:someone|somebody|anyone) (?:senior|higher up|in charge)|(?:your|a) (?:manager|supervisor|boss)|escalat\w*|independent (?:body|person|review|adjudicator)|ombudsman|regulator|take (?:this|it|things) further|(?:third|fourth|fifth|umpteenth) time|no (?:reply|response|answer)\b|nobody (?:ever )?(?:rings|calls|answers|replies|gets back)|(?:made|making) a mess|nothing (?:ever )?gets (?:sorted|done|fixed)|(?:still )?not (?:been )?(?:sorted|resolved)|(?:didn'?t|did not|never) (?:turn(?:ed)? up|show(?:ed)? up|call(?:ed)? back|r[ia]ng back))/gi,
    " complaint ",
  ],
];

/** Amounts and units written out, so "£412", "53p" and "14 m3" meet articles that talk money and measures. */
const AMOUNTS: [RegExp, string][] = [
  [/[£$€]\s?\d[\d,.]*(?:k\b)?|\b\d[\d,.]*\s?(?:p|pence|pounds?|quid|euros?|dollars?|cents?|gbp|eur|usd)\b|\bfiver\b|\btenner\b/gi, " moneyamount "],
  [/\b\d[\d,.]*\s?(?:kwh|kw|mwh|m3|m³|cubic metres?|litres?|liters?|gallons?|kg|kilos?|g|grams?|lbs?|pounds weight|km|kilometres?|miles?|cm|mm|metres?|meters?|gb|mb|tb)\b/gi, " measureunit "],
  [/\b\d+\s?(?:minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|years?|yrs?)\b/gi, " timespan "],
];

/** The words amounts, units and time spans are written as. */
export const PSEUDO_WORDS = new Set(["moneyamount", "measureunit", "timespan"]);

/** Words customers use for the same support thing; a word also looks for its partners, with less weight. */
export const SYNONYMS: string[][] = [
  ["cancel", "terminate", "cancellation", "quit"],
  ["refund", "reimburse", "reimbursement"],
  ["bill", "invoice", "statement"],
  ["price", "cost", "fee", "charge", "expensive", "rate"],
  ["pay", "payment", "debit"],
  ["address", "move", "relocate", "relocating"],
  ["internet", "wifi", "wi-fi", "broadband", "connection"],
  ["down", "outage", "offline"],
  ["phone", "mobile", "cell"],
  ["abroad", "overseas", "travel", "holiday", "vacation", "trip", "away"],
  ["broken", "damage", "damaged"],
  ["long", "days", "duration", "time"],
  ["file", "submit", "lodge", "report"],
  ["increase", "rise", "change"],
  ["decrease", "reduce", "lower"],
  ["full", "whole", "entire", "balance"],
  ["complaint", "complain", "unhappy", "dissatisfied"],
  ["moneyamount", "amount", "price", "cost", "charge", "fee", "pay"],
  ["measureunit", "unit", "usage", "use"],
  ["timespan", "days", "weeks", "months", "time"],
];

export interface Word {
  /** Lower-case surface form, for the word vectors. */
  surface: string;
  /** Lower-case lemma. */
  lemma: string;
  /** Porter2 stem of the lemma: what words are matched on. */
  key: string;
  pos: string;
}

export interface Analysis {
  words: Word[];
  /** wink-nlp's sentiment of the whole text, -1 to 1. */
  sentiment: number;
}

export function stem(word: string): string {
  return porter2(word);
}

function fold(text: string): string {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
}

/** Rewrites phrasings and amounts to plain words (article text goes through the same). */
export function rewrite(text: string): string {
  let t = ` ${fold(text)} `;
  for (const [re, to] of AMOUNTS) t = t.replace(re, (m) => ` ${m} ${to} `);
  for (const [re, to] of PHRASES) t = t.replace(re, to);
  return t;
}

/** The text's content words, lemmatised and stemmed (stop words, numbers and punctuation left out). */
export function analyse(text: string, options: { rewrite?: boolean } = {}): Analysis {
  const doc = nlp.readDoc(options.rewrite === false ? fold(text) : rewrite(text));
  const values = doc.tokens().out(its.value);
  // wink-nlp's typings do not accept its.lemma in out(); it works as documented.
  const lemmas = doc.tokens().out(its.lemma as unknown as typeof its.value);
  const types = doc.tokens().out(its.type);
  const pos = doc.tokens().out(its.pos);
  const words: Word[] = [];
  for (let i = 0; i < values.length; i++) {
    if (types[i] !== "word") continue;
    const surface = values[i]!.toLowerCase().replace(/^[-']+|[-']+$/g, "");
    if (surface.length < 2 || STOP_WORDS.has(surface)) continue;
    const lemma = (lemmas[i] ?? surface).toLowerCase();
    if (STOP_WORDS.has(lemma)) continue;
    words.push({ surface, lemma, key: stem(lemma), pos: pos[i] ?? "X" });
  }
  return { words, sentiment: doc.out(its.sentiment) as unknown as number };
}

/** Words of a text split simply (for spelling correction, before analysis). */
export function rawWords(text: string): string[] {
  return fold(text)
    .toLowerCase()
    .split(/[^\p{L}\p{N}'-]+/u)
    .map((w) => w.replace(/^[-']+|[-']+$/g, ""))
    .filter((w) => w.length >= 2);
}

const SYNONYM_KEYS = new Map<string, string[]>();
for (const group of SYNONYMS) {
  const keys = group.map((w) => stem(w));
  for (const k of keys) SYNONYM_KEYS.set(k, [...new Set([...(SYNONYM_KEYS.get(k) ?? []), ...keys])].filter((x) => x !== k));
}

/** The support-word partners of a key (not including itself). */
export function synonymsOf(key: string): string[] {
  return SYNONYM_KEYS.get(key) ?? [];
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), giving up above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
  }
  return d[a.length]![b.length]!;
}

export function isSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((c, i) => (c === b[i] ? [] : [i]));
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
}
