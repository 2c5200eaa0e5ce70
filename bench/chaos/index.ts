/**
 * `npm run chaos [-- --short] [--json results.json]`: faults under load (see run.ts), printed as one table with the
 * goals beside the figures; exits 1 when a goal is missed. Needs the machine's PostgreSQL (TEST_DATABASE_URL, where it
 * creates and drops a database of its own) and the redis-server program (it runs its own on a free port).
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { formatTable } from "./goals.js";
import { FULL_RUN, runChaos, SHORT_RUN } from "./run.js";

const { values } = parseArgs({
  options: { short: { type: "boolean", default: false }, json: { type: "string" } },
});
const log = (line: string) => process.stderr.write(`${line}\n`);
const report = await runChaos({ ...(values.short ? SHORT_RUN : FULL_RUN), log });
process.stdout.write(`${formatTable(report.rows)}\n\n${report.seconds} s in all.\n`);
if (values.json) await writeFile(values.json, JSON.stringify(report, null, 2));
process.exit(report.rows.every((row) => row.met !== false) ? 0 : 1);
