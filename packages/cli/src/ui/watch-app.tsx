import type { EventStream } from "@prompt-service/sdk";
import { Box, Static, Text, useApp, useInput } from "ink";
import { type ReactElement, useEffect, useReducer, useState } from "react";
import { EntryView } from "./entry-view.js";
import { feedReducer, initialFeed } from "./feed.js";
import { StatusLine } from "./status-line.js";

export interface WatchAppProps {
  stream: Pick<EventStream, "on" | "ready">;
  /** Who is watching where: "alice on http://…". */
  title: string;
  color: boolean;
  /** The clock of the reconnection countdown. */
  now?: () => number;
}

/**
 * `prompt watch` on a terminal: finished prompts scroll up as a static feed (the terminal's scrollback holds them),
 * the answers being written stay in a live region under them with the status line, `?` shows or hides the keys, and
 * `q` (or Ctrl-C) quits. The app ends by itself when the stream does, with its error if it failed.
 */
export function WatchApp({ stream, title, color, now = Date.now }: WatchAppProps): ReactElement {
  const [feed, dispatch] = useReducer(feedReducer, initialFeed);
  const [helpShown, setHelpShown] = useState(false);
  const { exit } = useApp();

  useEffect(() => {
    const unsubscribe = [
      stream.on("open", () => dispatch({ type: "open" })),
      stream.on("reconnecting", (info) => dispatch({ type: "reconnecting", info, now: now() })),
      stream.on("event", (event) => dispatch({ type: "event", event })),
      stream.on("close", (error) => {
        dispatch({ type: "close", error: error?.message });
        exit(error);
      }),
    ];
    // The stream may have connected before this effect ran: its "open" would have gone unheard.
    stream.ready().then(
      () => dispatch({ type: "open" }),
      () => undefined,
    );
    return () => {
      for (const each of unsubscribe) each();
    };
  }, [stream, exit, now]);

  useInput((input, key) => {
    if (input === "q" || (key.ctrl && input === "c")) exit();
    else if (input === "?") setHelpShown((shown) => !shown);
  });

  return (
    <Box flexDirection="column">
      <Static items={feed.past}>{(entry) => <EntryView key={entry.id} entry={entry} color={color} />}</Static>
      {feed.streaming.map((entry) => (
        <EntryView key={entry.id} entry={entry} color={color} />
      ))}
      {helpShown ? <Help /> : null}
      <StatusLine connection={feed.connection} title={title} color={color} now={now} />
    </Box>
  );
}

const KEYS: Array<[keys: string, what: string]> = [
  ["q, Ctrl-C", "quit"],
  ["?", "show or hide these keys"],
  ["", "finished prompts stay in your terminal's scrollback: scroll it as usual"],
  ["", "answers appear as they are written; ✓ stored, ✗ failed"],
];

/** The keys of the app, under the feed while `?` toggles it on. */
function Help(): ReactElement {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      {KEYS.map(([keys, what]) => (
        <Text key={`${keys}${what}`}>{`${keys.padEnd(10)} ${what}`}</Text>
      ))}
    </Box>
  );
}
