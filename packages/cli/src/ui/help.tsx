import { Box, Text } from "ink";
import type { ReactElement } from "react";
import { BINDINGS, keysOf } from "./keys.js";

const KEYS_WIDTH = Math.max(...BINDINGS.map((binding) => keysOf(binding).length));

const HOW_TO_READ = ["… being written, ✓ stored, ✗ failed; times are in your time zone"];

/**
 * The keys of the app and how to read the feed, under the feed while `?` toggles it on. The feed gives up its
 * lines first; on a terminal too short for the whole box, its end is cut rather than the status line.
 */
export function Help({ color }: { color: boolean }): ReactElement {
  return (
    <Box flexDirection="column" overflow="hidden" borderStyle="round" paddingX={1}>
      {BINDINGS.map((binding) => (
        <Text key={binding.command}>
          <Text bold={color}>{keysOf(binding).padEnd(KEYS_WIDTH)}</Text> {binding.what}
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
