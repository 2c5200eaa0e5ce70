import { Command } from "commander";
import { requireSession } from "../../config/require-session.js";
import type { CommandContext, Invoke } from "../../context.js";
import { renderTable } from "../../output/table.js";
import { relativeTime } from "../../output/time.js";

/** The API keys of the account, newest first: names and prefixes, never the keys themselves. */
async function keysListRun(context: CommandContext): Promise<void> {
  const { out, sessionClient, now } = context;
  await requireSession(context, "listing API keys");
  const keys = await sessionClient.keys.list();
  if (out.json) {
    out.printJson(keys);
    return;
  }
  if (keys.results.length === 0) {
    out.info("No API keys: create one with `prompt keys create --name NAME`");
    return;
  }
  const { style } = out;
  const columns = [
    { header: "ID", paint: style.dim },
    { header: "NAME", flexible: true, paint: style.bold },
    { header: "PREFIX" },
    { header: "CREATED", paint: style.dim },
    { header: "EXPIRES" },
    { header: "LAST USED", paint: style.dim },
  ];
  const rows = keys.results.map((key) =>
    out.isTTY
      ? [
          `#${key.id}`,
          key.name,
          `${key.prefix}…`,
          relativeTime(key.created_at, now()),
          key.expires_at?.slice(0, 10) ?? "never",
          key.last_used_at ? relativeTime(key.last_used_at, now()) : "never",
        ]
      : [String(key.id), key.name, key.prefix, key.created_at, key.expires_at ?? "", key.last_used_at ?? ""],
  );
  out.write(renderTable(columns, rows, { tty: out.isTTY, width: out.width }));
}

export function keysListCommand(invoke: Invoke): Command {
  return new Command("list")
    .description("list your API keys (names and prefixes; the keys themselves are never shown again)")
    .action((_flags: unknown, command: Command) => invoke(command, keysListRun));
}
