/** The feed as ink last laid it out. */
export interface FeedLayout {
  /** Each entry's height in lines, top to bottom. */
  entries: ReadonlyArray<{ id: number; height: number }>;
  /** The lines of the view while it follows; a held view has one less, which the line under it takes. */
  rows: number;
}

/**
 * Where the view of the feed is: following its newest line, or held at a line of an entry. Held to an entry
 * rather than to a line number, the view stays still while entries arrive or grow below it and while the oldest
 * leave the window above it.
 */
export type FeedScroll =
  | { following: true }
  | {
      following: false;
      entryId: number;
      /** The line of that entry at the top of the view. */
      line: number;
      /** The feed's count of added entries when the view stopped following: what arrived since is new. */
      addedWhenHeld: number;
    };

export const FOLLOWING: FeedScroll = { following: true };

const totalLines = (layout: FeedLayout) => layout.entries.reduce((sum, entry) => sum + entry.height, 0);

/** The top line of a held view that shows the feed's last line. */
const lowestHeldTop = (layout: FeedLayout) => Math.max(0, totalLines(layout) - (layout.rows - 1));

/** The feed's line at the top of the view, counted from the feed's first line. */
export function topLine(scroll: FeedScroll, layout: FeedLayout): number {
  if (scroll.following) return Math.max(0, totalLines(layout) - layout.rows);
  let start = 0;
  for (const entry of layout.entries) {
    if (entry.id === scroll.entryId) return Math.min(lowestHeldTop(layout), start + scroll.line);
    start += entry.height;
  }
  return 0;
}

/** The view with `top` as its first line: held there, or following again once the newest line would be in view. */
function viewFrom(top: number, from: FeedScroll, layout: FeedLayout, added: number): FeedScroll {
  const lowest = lowestHeldTop(layout);
  if (lowest === 0 || top >= lowest) return FOLLOWING;
  const line = Math.max(0, top);
  const addedWhenHeld = from.following ? added : from.addedWhenHeld;
  let start = 0;
  for (const entry of layout.entries) {
    if (line < start + entry.height)
      return { following: false, entryId: entry.id, line: line - start, addedWhenHeld };
    start += entry.height;
  }
  return FOLLOWING;
}

/** Moves the view `lines` down (up when negative). `added` is the feed's count of added entries. */
export function scrollBy(scroll: FeedScroll, lines: number, layout: FeedLayout, added: number): FeedScroll {
  return viewFrom(topLine(scroll, layout) + lines, scroll, layout, added);
}

/** Moves the view to the feed's first line. */
export function scrollToOldest(scroll: FeedScroll, layout: FeedLayout, added: number): FeedScroll {
  return viewFrom(0, scroll, layout, added);
}

/** A page: a held view's height less one line, kept in view as a landmark. */
export const pageLines = (layout: FeedLayout) => Math.max(1, layout.rows - 2);
