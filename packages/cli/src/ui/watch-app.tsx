import type { EventStream, Prompt } from "@prompt-service/sdk";
import { Box, useApp, useInput } from "ink";
import { type ReactElement, useEffect, useReducer, useState } from "react";
import { EmptyFeed } from "./empty-feed.js";
import { feedReducer, initialFeed } from "./feed.js";
import { FeedView } from "./feed-view.js";
import { Help } from "./help.js";
import { commandOf } from "./keys.js";
import { StatusLine } from "./status-line.js";
import { useTerminalRows } from "./use-terminal-rows.js";

export interface WatchAppProps {
  stream: Pick<EventStream, "on" | "ready">;
  /** The user's latest prompts, newest first (`GET /api/prompts`): asked each time the stream connects. */
  loadRecent: () => Promise<Prompt[]>;
  /** Who is watching where: "alice on http://…". */
  title: string;
  color: boolean;
  /** The clock of event times and of the reconnection countdown. */
  now?: () => number;
}

/**
 * `prompt watch` on a terminal: the feed of recent prompts fills the screen above a status line, answers appear
 * as they are written, the scrolling keys move through the feed, `?` shows or hides the keys, and `q` (or Ctrl-C)
 * quits. The app ends by itself when the stream does, with its error if it failed.
 */
export function WatchApp({ stream, loadRecent, title, color, now = Date.now }: WatchAppProps): ReactElement {
  const [feed, dispatch] = useReducer(feedReducer, initialFeed);
  const [helpShown, setHelpShown] = useState(false);
  const rows = useTerminalRows();
  const { exit } = useApp();

  useEffect(() => {
    // Loaded once connected, so that a prompt stored before the connection is in the list and one stored after
    // arrives as events: together, none is missed. Again after each reconnection, for what it missed meanwhile.
    let opened = false;
    const onOpen = () => {
      opened = true;
      dispatch({ type: "open" });
      loadRecent().then(
        (prompts) => dispatch({ type: "recent", prompts }),
        (error: unknown) =>
          dispatch({ type: "recentFailed", error: error instanceof Error ? error.message : String(error) }),
      );
    };
    const unsubscribe = [
      stream.on("open", onOpen),
      stream.on("reconnecting", (info) => dispatch({ type: "reconnecting", info, now: now() })),
      stream.on("event", (event) => dispatch({ type: "event", event, now: now() })),
      stream.on("close", (error) => {
        dispatch({ type: "close", error: error?.message });
        exit(error);
      }),
    ];
    // The stream may have connected before this effect ran: its "open" would have gone unheard.
    stream.ready().then(
      () => {
        if (!opened) onOpen();
      },
      () => undefined,
    );
    return () => {
      for (const each of unsubscribe) each();
    };
  }, [stream, loadRecent, exit, now]);

  useInput((input, key) => {
    const command = commandOf(input, key);
    if (command === "quit") exit();
    else if (command === "help") setHelpShown((shown) => !shown);
  });

  // A line short of the terminal: ink clears the whole screen before each frame that fills it.
  return (
    <Box flexDirection="column" height={Math.max(1, rows - 1)}>
      {feed.entries.length === 0 && feed.recent.state !== "loading" ? (
        <EmptyFeed recent={feed.recent} color={color} />
      ) : (
        <FeedView entries={feed.entries} added={feed.added} color={color} now={now} />
      )}
      {helpShown ? <Help color={color} /> : null}
      <Box flexShrink={0}>
        <StatusLine connection={feed.connection} title={title} color={color} now={now} />
      </Box>
    </Box>
  );
}
