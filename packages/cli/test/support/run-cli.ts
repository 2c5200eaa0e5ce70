import { run } from "@prompt-service/cli";
import { temporaryConfigHome } from "./context.js";
import { type FakeIOOptions, fakeIO } from "./fake-io.js";

/**
 * Runs the whole `prompt` program in this process, as the binary would (parsing, context, exit status, message),
 * with a config home of its own unless `env` names one.
 */
export async function runCli(argv: string[], options: Pick<FakeIOOptions, "env" | "stdin"> = {}) {
  const fake = fakeIO({ ...options, env: { XDG_CONFIG_HOME: await temporaryConfigHome(), ...options.env } });
  const status = await run(argv, fake.io);
  return { status, stdout: fake.stdout(), stderr: fake.stderr() };
}
