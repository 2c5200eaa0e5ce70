import { Box, Text } from "ink";
import { createElement as h, type ReactElement } from "react";
import type { FeedEntry } from "./feed.js";

const ICON: Record<FeedEntry["state"], { text: string; color: string }> = {
  streaming: { text: "…", color: "yellow" },
  completed: { text: "✓", color: "green" },
  failed: { text: "✗", color: "red" },
};

/** A prompt of the feed: a heading (state, id, prompt or failure), then the answer so far, indented. */
export function EntryView({ entry, color }: { entry: FeedEntry; color: boolean }): ReactElement {
  const icon = ICON[entry.state];
  const heading = entry.failure ?? entry.prompt ?? "";
  return h(
    Box,
    { flexDirection: "column" },
    h(
      Text,
      null,
      h(Text, color ? { color: icon.color } : null, icon.text),
      " ",
      h(Text, color ? { dimColor: true } : null, `#${entry.id}`),
      heading === "" ? "" : " ",
      h(
        Text,
        color ? { bold: entry.state !== "failed", color: entry.failure ? "red" : undefined } : null,
        heading,
      ),
    ),
    entry.response === "" ? null : h(Box, { paddingLeft: 2 }, h(Text, null, entry.response)),
  );
}
