export type Paint = (text: string) => string;

/** ANSI styles, or no-ops when colour is off, so that callers never test the flag themselves. */
export interface Style {
  bold: Paint;
  dim: Paint;
  green: Paint;
}

const sgr =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const identity: Paint = (text) => text;

export function createStyle(enabled: boolean): Style {
  if (!enabled) {
    return { bold: identity, dim: identity, green: identity };
  }
  return {
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    green: sgr(32, 39),
  };
}

/**
 * Colour only for a person at a terminal who has not turned it off: not in pipes, not with --no-color, and not
 * with NO_COLOR set (https://no-color.org).
 */
export function colorWanted(isTTY: boolean, flag: boolean, env: Record<string, string | undefined>): boolean {
  return isTTY && flag && !env.NO_COLOR;
}
