/**
 * The part of a prompt that is embedded. Sentence encoders read a bounded number of tokens and their cost grows
 * with the text, and a query is at most this long (schemas.ts): the start of a long prompt says what it is about.
 */
export const EMBEDDED_CHARACTERS = 2000;

export function embeddableText(text: string): string {
  return text.length <= EMBEDDED_CHARACTERS ? text : text.slice(0, EMBEDDED_CHARACTERS);
}
