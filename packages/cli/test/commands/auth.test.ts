import { stat } from "node:fs/promises";
import { json, jwtExpiringIn, stubFetch } from "@prompt-service/testkit";
import { describe, expect, it } from "vitest";
import { loginRun } from "../../src/commands/login.js";
import { logoutRun } from "../../src/commands/logout.js";
import { registerRun } from "../../src/commands/register.js";
import { whoamiRun } from "../../src/commands/whoami.js";
import { ExitCode } from "../../src/exit-codes.js";
import { answerQuestions } from "../support/answer-questions.js";
import { SERVER, testContext } from "../support/context.js";
import { FakeTerminalInput } from "../support/fake-io.js";

const alice = { id: 7, username: "alice", email: "alice@example.com" };
const tokens = { access: jwtExpiringIn(3600), refresh: jwtExpiringIn(3600) };

describe("register", () => {
  it("reads the password from standard input and tells how to log in", async () => {
    const api = stubFetch(() => json(201, alice));
    const { context, stdout, stderr } = await testContext({
      stdin: "secret123\n",
      client: { fetch: api.fetch },
    });
    await registerRun({ username: "alice", email: "alice@example.com", passwordStdin: true }, context);
    expect(api.calls).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/api/auth/register/",
        body: { username: "alice", email: "alice@example.com", password: "secret123" },
      }),
    ]);
    expect(stdout()).toBe("");
    expect(stderr()).toBe(`✓ Registered alice on ${SERVER}; log in with: prompt login --username alice\n`);
  });

  it("prints the new account with --json", async () => {
    const api = stubFetch(() => json(201, alice));
    const { context, stdout } = await testContext({
      stdin: "secret123",
      json: true,
      client: { fetch: api.fetch },
    });
    await registerRun({ username: "alice", email: "alice@example.com", passwordStdin: true }, context);
    expect(JSON.parse(stdout())).toEqual(alice);
  });

  it("on a terminal, asks for the password twice without echoing it", async () => {
    const api = stubFetch(() => json(201, alice));
    const terminal = new FakeTerminalInput();
    const { context, stdout, stderr } = await testContext({
      tty: true,
      stdin: terminal,
      client: { fetch: api.fetch },
    });
    answerQuestions(terminal, stderr, ["secret124\u007f3\r", "secret123\r"]);
    await registerRun({ username: "alice", email: "alice@example.com" }, context);
    expect(api.calls[0]?.body).toEqual({
      username: "alice",
      email: "alice@example.com",
      password: "secret123",
    });
    expect(terminal.rawModes).toEqual([true, false, true, false]);
    expect(stdout()).toBe("");
    expect(stderr()).toBe(
      `Password: \nPassword again: \n✓ Registered alice on ${SERVER}; log in with: prompt login --username alice\n`,
    );
  });

  it("stops when the two passwords differ, before asking the server", async () => {
    const api = stubFetch(() => json(201, alice));
    const terminal = new FakeTerminalInput();
    const { context, stderr } = await testContext({
      tty: true,
      stdin: terminal,
      client: { fetch: api.fetch },
    });
    answerQuestions(terminal, stderr, ["secret123\r", "secret124\r"]);
    await expect(registerRun({ username: "alice", email: "a@b.c" }, context)).rejects.toMatchObject({
      message: "the passwords do not match",
      exitCode: ExitCode.error,
    });
    expect(api.calls).toEqual([]);
  });

  it("is a usage error without a terminal to ask on and without --password-stdin", async () => {
    const { context } = await testContext({ stdin: "secret123\n" });
    await expect(registerRun({ username: "alice", email: "a@b.c" }, context)).rejects.toMatchObject({
      message: "standard input is not a terminal to ask on: give --password-stdin",
      exitCode: ExitCode.usage,
    });
  });
});

describe("login", () => {
  it("keeps the session in a file only its owner can read, and makes the server the default", async () => {
    const api = stubFetch(() => json(200, tokens));
    const { context, stdout, stderr, credentials } = await testContext({
      stdin: "secret123\n",
      client: { fetch: api.fetch },
    });
    await loginRun({ username: "alice", passwordStdin: true }, context);
    expect(api.calls[0]).toMatchObject({
      path: "/api/auth/login/",
      body: { username: "alice", password: "secret123" },
    });
    expect(await credentials.session(SERVER)).toEqual(tokens);
    expect(await credentials.defaultServer()).toBe(SERVER);
    expect((await stat(credentials.path)).mode & 0o777).toBe(0o600);
    expect(stdout()).toBe("");
    expect(stderr()).toBe(`✓ Logged in to ${SERVER} as alice\n`);
  });

  it("says nothing with --quiet", async () => {
    const api = stubFetch(() => json(200, tokens));
    const { context, stderr } = await testContext({
      stdin: "secret123",
      quiet: true,
      client: { fetch: api.fetch },
    });
    await loginRun({ username: "alice", passwordStdin: true }, context);
    expect(stderr()).toBe("");
  });

  it("keeps nothing when the password is wrong", async () => {
    const api = stubFetch(() =>
      json(401, { detail: "No active account found with the given credentials", code: "no_active_account" }),
    );
    const { context, credentials } = await testContext({ stdin: "wrong", client: { fetch: api.fetch } });
    await expect(loginRun({ username: "alice", passwordStdin: true }, context)).rejects.toMatchObject({
      name: "AuthenticationError",
      code: "no_active_account",
    });
    expect(await credentials.session(SERVER)).toBeUndefined();
    expect(await credentials.defaultServer()).toBeUndefined();
  });
});

describe("logout", () => {
  it("revokes the stored session on the server and forgets it", async () => {
    const api = stubFetch(() => new Response(null, { status: 204 }));
    const { context, stderr, credentials } = await testContext({ client: { fetch: api.fetch } });
    await credentials.tokenStore(SERVER).save(tokens);
    await logoutRun(context);
    expect(api.calls).toEqual([
      expect.objectContaining({ path: "/api/auth/logout/", body: { refresh: tokens.refresh } }),
    ]);
    expect(await credentials.session(SERVER)).toBeUndefined();
    expect(stderr()).toBe(`✓ Logged out of ${SERVER}\n`);
  });

  it("is an authentication failure when not logged in", async () => {
    const { context } = await testContext();
    await expect(logoutRun(context)).rejects.toMatchObject({
      message: `not logged in to ${SERVER}`,
      exitCode: ExitCode.authentication,
    });
  });

  it("refuses while PROMPT_TOKEN is set, since the client would not use the stored session", async () => {
    const { context, credentials } = await testContext({ env: { PROMPT_TOKEN: tokens.access } });
    await credentials.tokenStore(SERVER).save(tokens);
    await expect(logoutRun(context)).rejects.toMatchObject({
      message: "PROMPT_TOKEN is set and used instead of the stored session: unset it to log out",
      exitCode: ExitCode.error,
    });
    expect(await credentials.session(SERVER)).toEqual(tokens);
  });
});

describe("whoami", () => {
  const me = () => stubFetch(() => json(200, alice));

  it("names the user, the address and the server on a terminal", async () => {
    const { context, stdout } = await testContext({
      tty: true,
      client: { fetch: me().fetch, accessToken: "t" },
    });
    await whoamiRun(context);
    expect(stdout()).toBe(`alice <alice@example.com> on ${SERVER}\n`);
  });

  it("prints only the username in a pipe", async () => {
    const { context, stdout } = await testContext({ client: { fetch: me().fetch, accessToken: "t" } });
    await whoamiRun(context);
    expect(stdout()).toBe("alice\n");
  });

  it("prints the user and the server with --json", async () => {
    const { context, stdout } = await testContext({
      json: true,
      client: { fetch: me().fetch, accessToken: "t" },
    });
    await whoamiRun(context);
    expect(JSON.parse(stdout())).toEqual({ server: SERVER, ...alice });
  });

  it("saves the tokens back when the client rotates an expired session", async () => {
    const rotated = { access: jwtExpiringIn(3600), refresh: jwtExpiringIn(3600) };
    const api = stubFetch((call) =>
      call.path === "/api/auth/refresh/" ? json(200, rotated) : json(200, alice),
    );
    const { context, credentials } = await testContext({ client: { fetch: api.fetch } });
    await credentials.tokenStore(SERVER).save({ access: jwtExpiringIn(-60), refresh: tokens.refresh });
    await whoamiRun(context);
    expect(api.calls.map((call) => call.path)).toEqual(["/api/auth/refresh/", "/api/auth/me/"]);
    expect(api.calls[0]?.body).toEqual({ refresh: tokens.refresh });
    expect(await credentials.session(SERVER)).toEqual(rotated);
  });

  it("sends the stored session's token", async () => {
    const api = me();
    const { context, credentials } = await testContext({ client: { fetch: api.fetch } });
    await credentials.tokenStore(SERVER).save(tokens);
    await whoamiRun(context);
    expect(api.calls[0]?.headers.authorization).toBe(`Bearer ${tokens.access}`);
  });
});
