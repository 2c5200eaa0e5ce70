import { createServer } from "node:net";
import { jwtExpiringIn } from "@prompt-service/testkit";
import { describe, expect, it } from "vitest";
import { Credentials } from "../../src/config/credentials.js";
import { temporaryConfigHome } from "../support/context.js";
import { runCli } from "../support/run-cli.js";

/** A port where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const runWith = (argv: string[], env: Record<string, string> = {}) => runCli(argv, { env });

describe("prompt's exit status", () => {
  it("is 0 for --version and --help, printed on stdout", async () => {
    expect(await runWith(["--version"])).toEqual({ status: 0, stdout: "0.1.0\n", stderr: "" });
    const help = await runWith(["search", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: prompt search \[options\] <query>$/m);
  });

  it.each([
    [[], /^Usage: prompt \[options\] \[command\]/],
    [["bogus"], /^error: unknown command 'bogus'$/m],
    [["search"], /^error: missing required argument 'query'$/m],
    [
      ["search", "hola", "-k", "0"],
      /^error: option '-k, --limit <n>' argument '0' is invalid\. expected a whole number from 1 to 50\.$/m,
    ],
    [["history", "--limit", "101"], /argument '101' is invalid\. expected a whole number from 1 to 100\.$/m],
    [["submit", "hola", "--bogus"], /^error: unknown option '--bogus'$/m],
    [
      ["login"],
      /^prompt: standard input is not a terminal to ask on: give --username NAME and --password-stdin$/m,
    ],
    [
      ["register", "--username", "alice", "--password-stdin"],
      /^prompt: standard input is not a terminal to ask on: give --email ADDRESS$/m,
    ],
  ])("is 2 (usage) for %j", async (argv, message) => {
    const { status, stdout, stderr } = await runWith(argv);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
  });

  it("is 2 for a server that is not an http(s) URL", async () => {
    expect(await runWith(["whoami", "--server", "ftp://prompt.test"])).toEqual({
      status: 2,
      stdout: "",
      stderr: 'prompt: the server must be an http:// or https:// URL, got "ftp://prompt.test"\n',
    });
  });

  it("is 5 when no server answers, with one line on stderr that names no internal request; the stack only with --debug", async () => {
    const server = `http://127.0.0.1:${await closedPort()}`;
    const home = await temporaryConfigHome();
    // An expired access token: the client's first request is a refresh the user never asked for.
    await new Credentials({ XDG_CONFIG_HOME: home })
      .tokenStore(server)
      .save({ access: jwtExpiringIn(-60), refresh: jwtExpiringIn(3600) });
    const env = { XDG_CONFIG_HOME: home, PROMPT_SERVER: server };
    const plain = await runWith(["whoami"], env);
    expect(plain).toEqual({
      status: 5,
      stdout: "",
      stderr: `prompt: no server answers at ${server} (is \`npm start\` running?)\n`,
    });

    const debug = await runWith(["--debug", "whoami"], env);
    expect(debug.status).toBe(5);
    const [first, ...stack] = debug.stderr.trimEnd().split("\n");
    expect(first).toBe(plain.stderr.trimEnd());
    expect(stack[0]).toMatch(/^ConnectionError: POST \/api\/auth\/refresh\/ failed/);
    expect(stack.some((line) => /^\s+at /.test(line))).toBe(true);
  }, 30_000);

  it("is 5 when submit --stream cannot reach the server, rather than waiting for it", async () => {
    const server = `http://127.0.0.1:${await closedPort()}`;
    const { status, stderr } = await runWith(["submit", "--stream", "hola"], {
      PROMPT_SERVER: server,
      PROMPT_TOKEN: "token",
    });
    expect(status).toBe(5);
    expect(stderr).toBe(`prompt: no server answers at ${server} (is \`npm start\` running?)\n`);
  }, 30_000);
});
