import { MAX_QUERY_LENGTH } from "@prompt-service/protocol/schemas";

/**
 * The part of a prompt that is embedded. Sentence encoders read a bounded number of tokens and their cost grows
 * with the text: the start of a long prompt says what it is about. As long as the longest similarity query (the
 * protocol's SimilarQuery), so that a query is embedded whole.
 */
export const EMBEDDED_CHARACTERS = MAX_QUERY_LENGTH;

export function embeddableText(text: string): string {
  return text.length <= EMBEDDED_CHARACTERS ? text : text.slice(0, EMBEDDED_CHARACTERS);
}
