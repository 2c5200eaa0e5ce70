import { Box, type DOMElement, measureElement, Text, useInput } from "ink";
import { type ReactElement, useLayoutEffect, useReducer, useRef, useState } from "react";
import { EntryView } from "./entry-view.js";
import type { FeedEntry } from "./feed.js";
import {
  type FeedLayout,
  type FeedScroll,
  FOLLOWING,
  pageLines,
  scrollBy,
  scrollToOldest,
  topLine,
} from "./feed-scroll.js";
import { commandOf, type WatchCommand } from "./keys.js";

type Move = (scroll: FeedScroll, layout: FeedLayout, added: number) => FeedScroll;

const MOVES: Partial<Record<WatchCommand, Move>> = {
  lineUp: (scroll, layout, added) => scrollBy(scroll, -1, layout, added),
  lineDown: (scroll, layout, added) => scrollBy(scroll, 1, layout, added),
  pageUp: (scroll, layout, added) => scrollBy(scroll, -pageLines(layout), layout, added),
  pageDown: (scroll, layout, added) => scrollBy(scroll, pageLines(layout), layout, added),
  oldest: scrollToOldest,
  newest: () => FOLLOWING,
};

/**
 * The lines ink gave the view and each entry, once it has laid the frame out. A held view's count includes the
 * line its marker took, as FeedLayout's `rows` does.
 */
function measure(
  viewport: DOMElement,
  content: DOMElement,
  entries: FeedEntry[],
  scroll: FeedScroll,
): FeedLayout {
  const heights = content.childNodes.map((node) => measureElement(node as DOMElement).height);
  return {
    rows: measureElement(viewport).height + (scroll.following ? 0 : 1),
    entries: entries.map((entry, index) => ({ id: entry.id, height: heights[index] ?? 0 })),
  };
}

/** The line under a held view: how many prompts arrived below it, and how to get back to them. */
function BelowMarker({ arrived, color }: { arrived: number; color: boolean }): ReactElement {
  const below = arrived === 0 ? "more below" : `${arrived} new ${arrived === 1 ? "prompt" : "prompts"} below`;
  return (
    <Box flexShrink={0}>
      <Text color={color ? "cyan" : undefined}>
        ↓ {below} · <Text bold={color}>End</Text> to follow
      </Text>
    </Box>
  );
}

interface FeedViewProps {
  entries: FeedEntry[];
  /** The feed's count of added entries. */
  added: number;
  color: boolean;
  now: () => number;
}

/**
 * The feed, in the lines left above the status line: following the newest line, or held where the reader
 * scrolled to, with a line under it that counts the prompts that arrived since. The scrolling keys move it.
 */
export function FeedView({ entries, added, color, now }: FeedViewProps): ReactElement {
  const [scroll, setScroll] = useState<FeedScroll>(FOLLOWING);
  const viewport = useRef<DOMElement>(null);
  const content = useRef<DOMElement>(null);
  /** The last frame drawn: its layout, and the feed's count of added entries then. */
  const drawn = useRef<{ layout: FeedLayout; added: number }>({ layout: { entries: [], rows: 0 }, added: 0 });
  const [, redraw] = useReducer((frames: number) => frames + 1, 0);

  // Heights are known only once ink has laid a frame out, which it does as React commits: a layout effect reads
  // them before any key can arrive (ink's key handler itself is renewed only after the frame, with the props it
  // saw then). A held view is placed with the previous frame's heights: when an entry above it has grown since,
  // it is drawn again, so that what the reader looks at stays still.
  useLayoutEffect(() => {
    if (!viewport.current || !content.current) return;
    const layout = measure(viewport.current, content.current, entries, scroll);
    const moved = topLine(scroll, layout) !== topLine(scroll, drawn.current.layout);
    drawn.current = { layout, added };
    if (moved && !scroll.following) redraw();
  });

  useInput((input, key) => {
    const command = commandOf(input, key);
    const move = command && MOVES[command];
    if (move) setScroll((current) => move(current, drawn.current.layout, drawn.current.added));
  });

  const today = new Date(now());
  return (
    <>
      <Box
        ref={viewport}
        flexDirection="column"
        flexGrow={1}
        flexBasis={0}
        overflow="hidden"
        // Following, the newest line sits on the view's bottom edge and older ones are cut off at the top.
        justifyContent={scroll.following ? "flex-end" : "flex-start"}
      >
        <Box
          ref={content}
          flexDirection="column"
          flexShrink={0}
          marginTop={scroll.following ? 0 : -topLine(scroll, drawn.current.layout)}
        >
          {entries.map((entry) => (
            <EntryView key={entry.id} entry={entry} color={color} today={today} />
          ))}
        </Box>
      </Box>
      {scroll.following ? null : <BelowMarker arrived={added - scroll.addedWhenHeld} color={color} />}
    </>
  );
}
