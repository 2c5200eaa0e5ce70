import { Box, Text } from "ink";
import type { ReactElement } from "react";
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
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={color ? icon.color : undefined}>{icon.text}</Text>{" "}
        <Text dimColor={color}>#{entry.id}</Text>
        {heading === "" ? "" : " "}
        <Text bold={color && entry.state !== "failed"} color={color && entry.failure ? "red" : undefined}>
          {heading}
        </Text>
      </Text>
      {entry.response === "" ? null : (
        <Box paddingLeft={2}>
          <Text>{entry.response}</Text>
        </Box>
      )}
    </Box>
  );
}
