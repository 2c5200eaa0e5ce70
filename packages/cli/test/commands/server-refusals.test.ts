import {
  jwtExpiringIn,
  registerUser,
  type StartServerOptions,
  startServer,
  type TestServer,
} from "@prompt-service/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { Credentials } from "../../src/config/credentials.js";
import { ExitCode } from "../../src/exit-codes.js";
import { temporaryConfigHome } from "../support/context.js";
import { runCli } from "../support/run-cli.js";

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serverWith(options: StartServerOptions): Promise<TestServer> {
  const server = await startServer(options);
  servers.push(server);
  return server;
}

/** A config home where `user` is logged in to `server`, with an access token that is still good unless told. */
async function loggedIn(
  server: TestServer,
  user: { access: string; refresh: string },
  access = user.access,
): Promise<Record<string, string>> {
  const home = await temporaryConfigHome();
  const credentials = new Credentials({ XDG_CONFIG_HOME: home });
  await credentials.tokenStore(server.url).save({ access, refresh: user.refresh });
  await credentials.setDefaultServer(server.url);
  return { XDG_CONFIG_HOME: home };
}

/**
 * Each throttled route, throttled once per minute: `first` spends the minute's one request, `then` is the command
 * the person runs next, told to wait the rest of the minute.
 */
const THROTTLED: Array<{
  route: string;
  limits: StartServerOptions;
  first: (server: TestServer) => Promise<{ argv: string[]; env: Record<string, string>; stdin?: string }>;
}> = [
  {
    route: "login",
    limits: { loginRateLimits: "1/min" },
    first: async (server) => {
      const user = await registerUser(server.app); // the username's one login of the minute
      return {
        argv: ["--server", server.url, "login", "--username", user.username, "--password-stdin"],
        env: {},
        stdin: `${user.password}\n`,
      };
    },
  },
  {
    route: "register",
    limits: { registerRateLimits: "1/min" },
    first: async (server) => {
      await registerUser(server.app); // the address's one registration of the minute
      return {
        argv: [
          ...["--server", server.url, "register", "--username", "late", "--email", "late@example.com"],
          "--password-stdin",
        ],
        env: {},
        stdin: "secret123\n",
      };
    },
  },
  {
    route: "submit",
    limits: { promptRateLimits: "1/min" },
    first: async (server) => {
      const env = await loggedIn(server, await registerUser(server.app));
      expect((await runCli(["submit", "first"], { env })).status).toBe(ExitCode.ok);
      return { argv: ["submit", "second"], env };
    },
  },
  {
    route: "search",
    limits: { searchRateLimits: "1/min" },
    first: async (server) => {
      const env = await loggedIn(server, await registerUser(server.app));
      expect((await runCli(["search", "first"], { env })).status).toBe(ExitCode.ok);
      return { argv: ["search", "second"], env };
    },
  },
  {
    route: "refresh",
    limits: { refreshRateLimits: "1/min" },
    first: async (server) => {
      const user = await registerUser(server.app);
      const expired = jwtExpiringIn(-60);
      const env = await loggedIn(server, user, expired);
      expect((await runCli(["whoami"], { env })).status).toBe(ExitCode.ok); // refreshes: the minute's one
      // The session again with an expired access token, and the refresh token that the first refresh rotated in.
      const credentials = new Credentials(env);
      const rotated = await credentials.session(server.url);
      await credentials.tokenStore(server.url).save({ access: expired, refresh: rotated?.refresh ?? "" });
      return { argv: ["whoami"], env };
    },
  },
];

describe("a throttled command", () => {
  it.each(THROTTLED)(
    "$route: exits 4 within 2 s, naming the wait",
    async ({ limits, first }) => {
      const server = await serverWith(limits);
      const { argv, env, stdin } = await first(server);
      const started = Date.now();
      const { status, stdout, stderr } = await runCli(argv, { env, ...(stdin ? { stdin } : {}) });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect({ status, stdout }).toEqual({ status: ExitCode.throttled, stdout: "" });
      expect(stderr).toMatch(
        new RegExp(`^prompt: throttled by ${server.url}: try again in \\d+ seconds\\n$`),
      );
      // The whole minute, less what has passed: longer than the CLI waits out by itself.
      expect(Number(/in (\d+) seconds/.exec(stderr)?.[1])).toBeGreaterThan(1);
    },
    60_000,
  ); // a server of its own each: the first to start in a worker loads the embedding model
});

describe("a refused field", () => {
  it("is named as the command line names it, without the program's prefix said twice", async () => {
    const server = await serverWith({ promptMaxLength: 10 });
    const env = await loggedIn(server, await registerUser(server.app));
    expect(await runCli(["submit", "more than ten characters"], { env })).toEqual({
      status: ExitCode.error,
      stdout: "",
      stderr: "prompt: the prompt's text: Ensure this field has no more than 10 characters.\n",
    });
  });
});
