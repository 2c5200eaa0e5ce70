import { Box, Text } from "ink";
import type { ReactElement } from "react";
import { BINDINGS } from "./keys.js";

const KEYS_WIDTH = Math.max(...BINDINGS.map((binding) => binding.keys.length));

const HOW_TO_READ = [
  "… being written, ✓ stored, ✗ failed; times are in your time zone",
  "a prompt's text shows once its answer is stored: until then the server sends only the answer",
];

/**
 * The keys of the app and how to read the feed, under the feed while `?` toggles it on. The feed gives up its
 * lines first; on a terminal too short for the whole box, its end is cut rather than the status line.
 */
export function Help({ color }: { color: boolean }): ReactElement {
  return (
    <Box flexDirection="column" overflow="hidden" borderStyle="round" paddingX={1}>
      {BINDINGS.map(({ keys, what }) => (
        <Text key={keys}>
          <Text bold={color}>{keys.padEnd(KEYS_WIDTH)}</Text> {what}
        </Text>
      ))}
      {HOW_TO_READ.map((line) => (
        <Text key={line} dimColor={color}>
          {line}
        </Text>
      ))}
    </Box>
  );
}
