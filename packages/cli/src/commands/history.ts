import type { PromptPage } from "@prompt-service/sdk";
import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { integerBetween } from "../options.js";
import { renderTable } from "../output/table.js";
import { relativeTime } from "../output/time.js";

interface HistoryOptions {
  /** Prompts per page. */
  limit: number;
  /** Where the page starts: the `next` of the previous one. */
  cursor?: string;
}

function printPage(page: PromptPage, options: HistoryOptions, context: CommandContext): void {
  const { out, now } = context;
  if (out.json) {
    out.printJson(page);
    return;
  }
  if (page.results.length === 0) {
    out.info("No prompts yet: ask one with `prompt submit TEXT`");
    return;
  }
  const { style } = out;
  const columns = [
    { header: "ID", paint: style.dim },
    { header: "CREATED", paint: style.dim },
    { header: "PROMPT", flexible: true, paint: style.bold },
    { header: "ANSWER", flexible: true },
  ];
  const rows = page.results.map((prompt) =>
    out.isTTY
      ? [`#${prompt.id}`, relativeTime(prompt.created_at, now()), prompt.prompt, prompt.response]
      : [String(prompt.id), prompt.created_at, prompt.prompt, prompt.response],
  );
  out.write(renderTable(columns, rows, { tty: out.isTTY, width: out.width }));
  if (page.next) out.info(`More: prompt history --limit ${options.limit} --cursor ${page.next}`);
}

/** One page of your prompts, newest first; the next page is a --cursor away. */
export async function historyRun(options: HistoryOptions, context: CommandContext): Promise<void> {
  const list = context.client.prompts.list({ limit: options.limit, cursor: options.cursor });
  // The listing fetches a page only when iteration reaches it: leaving after the first fetches no more.
  for await (const page of list.pages()) {
    printPage(page, options, context);
    break;
  }
}

export function historyCommand(invoke: Invoke): Command {
  return new Command("history")
    .description("list your prompts, newest first, one page at a time")
    .option("-L, --limit <n>", "prompts per page (1-100)", integerBetween(1, 100), 20)
    .option("--cursor <cursor>", "start at this page (printed after the previous one)")
    .action((flags: HistoryOptions, command: Command) =>
      invoke(command, (context) => historyRun(flags, context)),
    );
}
