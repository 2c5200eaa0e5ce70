import { Box, Text } from "ink";
import type { ReactElement } from "react";
import { clockTime } from "../output/time.js";
import type { FeedEntry } from "./feed.js";

const ICON: Record<FeedEntry["state"], { text: string; color: string }> = {
  streaming: { text: "…", color: "yellow" },
  completed: { text: "✓", color: "green" },
  failed: { text: "✗", color: "red" },
};

/** How the prompt ended, or that it has not yet. */
function ending(entry: FeedEntry, at: (time: number) => string): string {
  switch (entry.state) {
    case "streaming":
      return "writing…";
    case "completed":
      return `answered ${at(entry.answeredAt)}`;
    case "failed":
      return `failed ${at(entry.failedAt)}`;
  }
}

/** "asked 10:41:07 · answered 10:41:09", in the local time zone. */
function times(entry: FeedEntry, today: Date): string {
  const at = (time: number) => clockTime(new Date(time), today);
  const started = entry.startedAt === undefined ? [] : [`asked ${at(entry.startedAt)}`];
  return [...started, ending(entry, at)].join(" · ");
}

/**
 * A prompt of the feed: a heading (state, id, prompt or failure), its times, then the answer so far, all but the
 * heading indented.
 */
export function EntryView({
  entry,
  color,
  today,
}: {
  entry: FeedEntry;
  color: boolean;
  today: Date;
}): ReactElement {
  const icon = ICON[entry.state];
  const heading = entry.state === "failed" ? entry.failure : (entry.prompt ?? "");
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={color ? icon.color : undefined}>{icon.text}</Text>{" "}
        <Text dimColor={color}>#{entry.id}</Text>
        {heading === "" ? "" : " "}
        <Text
          bold={color && entry.state !== "failed"}
          color={color && entry.state === "failed" ? "red" : undefined}
        >
          {heading}
        </Text>
      </Text>
      <Box flexDirection="column" paddingLeft={2}>
        <Text dimColor={color}>{times(entry, today)}</Text>
        {entry.response === "" ? null : <Text>{entry.response}</Text>}
      </Box>
    </Box>
  );
}
