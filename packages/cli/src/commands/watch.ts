import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { printEvents } from "../watch/ndjson.js";

/** Follows your live events: an ink app on a terminal, NDJSON otherwise (or with --json). */
export async function watchRun(context: CommandContext): Promise<void> {
  const { io, out, client, server } = context;
  // Asking who we are first turns "not logged in" and "no server there" into their exit codes at once, where
  // the stream would keep trying to reconnect.
  const user = await client.auth.me();
  const title = `${user.username} on ${server}`;
  const stream = client.events({ signal: io.interrupted() });
  try {
    if (out.isTTY && !out.json) {
      // Loaded only here: ink and React take a while to load, and no other command needs them.
      const { runWatchApp } = await import("../ui/run-watch-app.js");
      await runWatchApp(stream, { io, title, color: out.color });
    } else {
      await printEvents(stream, out, title);
    }
  } finally {
    await stream.close();
  }
}

export function watchCommand(invoke: Invoke): Command {
  return new Command("watch")
    .description(
      "follow your prompts live as they are answered (q quits); one JSON object per line off a terminal",
    )
    .action((_flags: unknown, command: Command) => invoke(command, watchRun));
}
