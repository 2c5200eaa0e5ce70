import type { Paint } from "./style.js";
import { displayWidth, oneLine, truncate } from "./text.js";

interface Column {
  header: string;
  /** Shares the width left by the fixed columns; fixed columns keep their natural width. */
  flexible?: boolean;
  /** Applied after alignment, so that escape codes never count towards the width. */
  paint?: Paint;
}

const GAP = "  ";

/** Widths of the flexible columns: their natural width when it fits, else a fair share of what is left. */
function flexibleWidths(natural: number[], columns: Column[], width: number): number[] {
  const fixed = natural.reduce((sum, each, index) => sum + (columns[index]?.flexible ? 0 : each), 0);
  let left = Math.max(0, width - fixed - GAP.length * (columns.length - 1));
  const widths = [...natural];
  // Narrowest first: a short column keeps its width, and what it does not use goes to the wider ones.
  const flexible = columns
    .map((column, index) => ({ column, index }))
    .filter(({ column }) => column.flexible)
    .sort((a, b) => (natural[a.index] ?? 0) - (natural[b.index] ?? 0));
  flexible.forEach(({ index }, position) => {
    const share = Math.floor(left / (flexible.length - position));
    widths[index] = Math.min(natural[index] ?? 0, Math.max(share, 1));
    left -= widths[index] ?? 0;
  });
  return widths;
}

/**
 * Rows for a person (`tty`: a header, aligned columns fitted to `width`) or for a program (tab-separated
 * fields, no header, nothing cut), as `gh` prints lists.
 */
export function renderTable(columns: Column[], rows: string[][], options: { tty: boolean; width: number }) {
  const cells = rows.map((row) => row.map(oneLine));
  if (!options.tty) return cells.map((row) => `${row.join("\t")}\n`).join("");
  const header = columns.map((column) => column.header);
  const natural = columns.map((_, index) =>
    Math.max(...[header, ...cells].map((row) => displayWidth(row[index] ?? ""))),
  );
  const widths = flexibleWidths(natural, columns, options.width);
  const line = (row: string[], paint: (text: string, index: number) => string) =>
    row
      .map((cell, index) => {
        const width = widths[index] ?? 0;
        const fitted = truncate(cell, width);
        const padded =
          index === row.length - 1 ? fitted : fitted.padEnd(width + fitted.length - displayWidth(fitted));
        return paint(padded, index);
      })
      .join(GAP)
      .trimEnd();
  return [
    line(header, (text) => text),
    ...cells.map((row) => line(row, (text, index) => columns[index]?.paint?.(text) ?? text)),
  ]
    .map((text) => `${text}\n`)
    .join("");
}
