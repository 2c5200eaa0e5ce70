/**
 * The part of a prompt that is embedded. Sentence encoders read a bounded number of tokens and their cost grows
 * with the text, while queries are at most 2000 characters: the start of a long prompt says what it is about.
 */
export const EMBEDDED_CHARACTERS = 2000;

export function embeddableText(text: string): string {
  return text.length <= EMBEDDED_CHARACTERS ? text : text.slice(0, EMBEDDED_CHARACTERS);
}
