/** Text on one line: runs of whitespace (newlines and tabs included) become one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * At most `width` characters, the last one an ellipsis when cut. Counts code points, so that no surrogate pair
 * is split; wide characters (CJK, emoji) may still overflow a column.
 */
export function truncate(text: string, width: number): string {
  const characters = [...text];
  if (characters.length <= width) return text;
  if (width <= 0) return "";
  return `${characters.slice(0, width - 1).join("")}…`;
}

export const displayWidth = (text: string): number => [...text].length;
