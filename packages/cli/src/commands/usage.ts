import type { UsageReport } from "@prompt-service/sdk";
import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { integerBetween } from "../options.js";
import { renderTable } from "../output/table.js";

interface UsageOptions {
  /** UTC days back, today included. */
  days: number;
}

const count = (value: number) => value.toLocaleString("en-US");

/** "Budget: 1,234 of 200,000 tokens used; resets at 2025-03-02T00:00:00.000Z", or that there is none. */
function budgetLine({ budget }: UsageReport): string {
  if (!budget) return "Budget: none on this server";
  return `Budget: ${count(budget.used)} of ${count(budget.limit)} tokens used; resets at ${budget.resets_at}`;
}

/** Your prompts and the tokens they cost per UTC day, and where you stand against the server's token budget. */
export async function usageRun(options: UsageOptions, context: CommandContext): Promise<void> {
  const { out, client } = context;
  const report = await client.usage.get({ days: options.days });
  if (out.json) {
    out.printJson(report);
    return;
  }
  if (!out.isTTY) {
    // For programs: one day a line, every count in a field of its own; the budget is a message (--json has it).
    const rows = report.days.map((day) =>
      [day.date, day.prompts, day.model_calls, day.reused, day.prompt_tokens, day.completion_tokens].map(
        String,
      ),
    );
    out.write(renderTable([], rows, { tty: false, width: out.width }));
    out.info(budgetLine(report));
    return;
  }
  if (report.days.length === 0) {
    out.write(`No prompts in the last ${options.days} days\n${budgetLine(report)}\n`);
    return;
  }
  const columns = ["DATE", "PROMPTS", "MODEL CALLS", "REUSED", "TOKENS"].map((header) => ({ header }));
  const row = (label: string, counts: UsageReport["total"]) => [
    label,
    count(counts.prompts),
    count(counts.model_calls),
    count(counts.reused),
    count(counts.prompt_tokens + counts.completion_tokens),
  ];
  const rows = [...report.days.map((day) => row(day.date, day)), row("total", report.total)];
  out.write(renderTable(columns, rows, { tty: true, width: out.width }));
  out.write(`${budgetLine(report)}\n`);
}

export function usageCommand(invoke: Invoke): Command {
  return new Command("usage")
    .description("your prompts and tokens per UTC day (newest first), and the server's token budget")
    .option("--days <n>", "how many days back, today included (1-366)", integerBetween(1, 366), 30)
    .action((flags: UsageOptions, command: Command) =>
      invoke(command, (context) => usageRun(flags, context)),
    );
}
