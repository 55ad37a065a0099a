// Optional persisted-operations mode for partner apps: only documents whose
// SHA-256 is in the manifest run. Clients send the full query (checked against the
// manifest) or only `extensions.persistedQuery.sha256Hash` (the APQ convention).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The manifest: a JSON array of documents, or an object of hash → document. */
export function loadManifest(file: string): Map<string, string> {
  const raw = JSON.parse(readFileSync(file, "utf8")) as string[] | Record<string, string>;
  const docs = Array.isArray(raw) ? raw : Object.values(raw);
  return new Map(docs.map((d) => [sha256(d), d]));
}

export function usePersistedOperations(manifest: Map<string, string>): Plugin {
  const refuse = (message: string) =>
    new GraphQLError(message, { extensions: { code: "PERSISTED_QUERY_NOT_FOUND", http: { status: 400 } } });
  return {
    onParams({ params, setParams }) {
      const hash = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
      if (typeof hash === "string") {
        const query = manifest.get(hash);
        if (!query) throw refuse(`No persisted operation has hash ${hash.slice(0, 64)}.`);
        if (params.query && params.query !== query) throw refuse("The query does not match its persisted hash.");
        setParams({ ...params, query });
        return;
      }
      if (!params.query || !manifest.has(sha256(params.query))) {
        throw refuse("Only persisted operations are accepted here: send `extensions.persistedQuery.sha256Hash` of a registered document.");
      }
    },
  };
}
