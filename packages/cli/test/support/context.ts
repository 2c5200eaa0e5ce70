import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandContext } from "@prompt-service/cli";
import { type ClientOptions, PromptClient } from "@prompt-service/sdk";
import { afterEach } from "vitest";
import { Credentials } from "../../src/config/credentials.js";
import { Output } from "../../src/output/output.js";
import { type FakeIOOptions, fakeIO } from "./fake-io.js";

export const SERVER = "http://prompt.test";

const temporaryDirectories: string[] = [];
afterEach(async () => {
  // maxRetries: a CLI process of a terminal test that is still exiting may write its credentials file while the
  // folder is being removed (ENOTEMPTY); Node's rm retries such errors itself.
  await Promise.all(
    temporaryDirectories
      .splice(0)
      .map((path) => rm(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })),
  );
});

/** A config directory of its own, removed after the test: never the real ~/.config. */
export async function temporaryConfigHome(): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), "prompt-cli-test-"));
  temporaryDirectories.push(path);
  return path;
}

export interface TestContextOptions extends FakeIOOptions {
  /** The client's options besides the server and the token store: a stub fetch, or tokens. */
  client?: ClientOptions;
  server?: string;
  json?: boolean;
  quiet?: boolean;
  /** The clock of relative times. */
  now?: Date;
}

/**
 * What a command's run function gets, with fake IO, a client of `server` (a stub one unless the options point
 * it at a real server) and credentials in a temporary config home.
 */
export async function testContext(options: TestContextOptions = {}) {
  const configHome = await temporaryConfigHome();
  const fake = fakeIO({ ...options, env: { XDG_CONFIG_HOME: configHome, ...options.env } });
  const server = options.server ?? SERVER;
  const credentials = new Credentials(fake.io.env);
  const context: CommandContext = {
    io: fake.io,
    out: new Output(fake.io, { json: options.json ?? false, quiet: options.quiet ?? false, color: false }),
    server,
    client: new PromptClient({
      baseUrl: server,
      apiKey: fake.io.env.PROMPT_API_KEY ?? null,
      tokenStore: credentials.tokenStore(server),
      maxRetries: 0,
      ...options.client,
    }),
    sessionClient: new PromptClient({
      baseUrl: server,
      apiKey: null,
      tokenStore: credentials.tokenStore(server),
      maxRetries: 0,
      ...options.client,
    }),
    credentials,
    now: () => options.now ?? new Date(),
  };
  return { ...fake, context, credentials, configHome };
}
