import { Box, Text } from "ink";
import type { ReactElement } from "react";
import type { FeedState } from "./feed.js";

/**
 * What the feed shows while the user has no prompt: what will appear there and how to make it appear, so that an
 * empty screen is not taken for a broken one. When the recent prompts could not be loaded, it says so instead.
 */
export function EmptyFeed({ recent, color }: { recent: FeedState["recent"]; color: boolean }): ReactElement {
  const text =
    recent.state === "failed"
      ? `Your earlier prompts could not be loaded (${recent.error}); new ones appear here as they are answered.`
      : 'No prompts yet. Yours appear here as they are asked and answered: try `prompt submit "hola"` in another terminal.';
  return (
    <Box flexDirection="column" flexGrow={1} flexBasis={0} justifyContent="flex-end" overflow="hidden">
      <Text dimColor={color}>{text}</Text>
    </Box>
  );
}
