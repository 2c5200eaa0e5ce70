/**
 * `npm run chaos` in its short form (bench/chaos): two instances on one PostgreSQL database and one Redis of the run's
 * own, ten users posting, searching and holding sockets, and the four faults in turn. Every goal of the table holds.
 */
import { expect, it } from "vitest";
import { formatTable } from "../../../../bench/chaos/goals.js";
import { runChaos, SHORT_RUN } from "../../../../bench/chaos/run.js";

it("loses nothing, stores nothing twice and recovers within 5 s through kill -9, Redis, PostgreSQL and SIGSTOP", async () => {
  const lines: string[] = [];
  const report = await runChaos({ ...SHORT_RUN, log: (line) => lines.push(line) });
  const missed = report.rows.filter((row) => row.met === false);
  expect(missed, `${formatTable(report.rows)}\n${lines.join("\n")}`).toEqual([]);
}, 900_000);
