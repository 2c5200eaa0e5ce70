import { AbortError, ConnectionError, type Prompt, type User } from "@prompt-service/sdk";
import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { printEvents } from "../watch/ndjson.js";

/** How many of the user's latest prompts the terminal view opens with: a few screens to scroll back through. */
const RECENT_PROMPTS = 50;

/**
 * Who we are, asked first so that "not logged in" fails at once with its exit code, where the stream would keep
 * trying to reconnect. A server that cannot be reached yet is waited for (it is often started after the watch is
 * opened), with a line on stderr, until it answers or Ctrl-C gives up: the SDK's own retries wait, with its backoff.
 */
async function whoAmI(context: CommandContext): Promise<User> {
  const { io, client, server } = context;
  const signal = io.interrupted();
  try {
    return await client.auth.me({ signal });
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error;
    io.stderr.write(`waiting for ${server} (${error.message}); Ctrl-C to give up\n`);
    return client.auth.me({ signal, maxRetries: Number.POSITIVE_INFINITY }).catch((later: unknown) => {
      // Giving up reports why there was a wait, not the interruption.
      throw later instanceof AbortError ? error : later;
    });
  }
}

/**
 * Follows your prompts live. On a terminal, an ink app that opens with your latest prompts and adds each new one
 * as it is asked and answered. Otherwise (or with --json) NDJSON of the events from now on, exactly as the server
 * sends them: a script reading it reacts to what happens, and `prompt history --json` has what happened before.
 */
export async function watchRun(context: CommandContext): Promise<void> {
  const { io, out, client, server } = context;
  const user = await whoAmI(context);
  const title = `${user.username} on ${server}`;
  const signal = io.interrupted();
  const stream = client.events({ signal });
  try {
    if (out.isTTY && !out.json) {
      const loadRecent = async (): Promise<Prompt[]> => {
        for await (const page of client.prompts.list({ limit: RECENT_PROMPTS }, { signal }).pages())
          return page.results;
        return [];
      };
      // Loaded only here: ink and React take a while to load, and no other command needs them.
      const { runWatchApp } = await import("../ui/run-watch-app.js");
      await runWatchApp(stream, { io, title, color: out.color, loadRecent });
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
      "your latest prompts, then each new one live as it is answered (↑ ↓ PgUp PgDn Home End scroll, ? shows " +
        "the keys, q quits); off a terminal, each event from now on as one JSON object per line",
    )
    .action((_flags: unknown, command: Command) => invoke(command, watchRun));
}
