import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { integerBetween } from "../options.js";
import { renderTable } from "../output/table.js";

interface SearchOptions {
  query: string;
  /** How many results, at most. */
  limit: number;
}

export async function searchRun(options: SearchOptions, context: CommandContext): Promise<void> {
  const { out, client } = context;
  const found = await client.prompts.similar(options.query, { k: options.limit });
  if (out.json) {
    out.printJson(found);
    return;
  }
  if (found.results.length === 0) {
    out.info(`No earlier prompts like "${options.query}"`);
    return;
  }
  const { style } = out;
  const columns = [
    { header: "SCORE", paint: style.green },
    { header: "ID", paint: style.dim },
    { header: "PROMPT", flexible: true, paint: style.bold },
    { header: "ANSWER", flexible: true },
  ];
  const rows = found.results.map((result) => [
    result.score.toFixed(3),
    out.isTTY ? `#${result.id}` : String(result.id),
    result.prompt,
    result.response,
  ]);
  out.write(renderTable(columns, rows, { tty: out.isTTY, width: out.width }));
}

export function searchCommand(invoke: Invoke): Command {
  return new Command("search")
    .description("find your earlier prompts closest in meaning to a text, best first")
    .argument("<query>", "the text to compare with")
    .option("-k, --limit <n>", "how many results, at most (1-50)", integerBetween(1, 50), 5)
    .action((query: string, flags: { limit: number }, command: Command) =>
      invoke(command, (context) => searchRun({ query, limit: flags.limit }, context)),
    );
}
