import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginRun } from "../../src/commands/login.js";
import { registerRun } from "../../src/commands/register.js";
import { ExitCode } from "../../src/exit-codes.js";
import { answerQuestions } from "../support/answer-questions.js";
import { testContext } from "../support/context.js";
import { FakeTerminalInput } from "../support/fake-io.js";
import { runCli } from "../support/run-cli.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const uniqueName = () => `cli_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;

/** A command's context on a terminal that the test types into. */
async function onTerminal() {
  const terminal = new FakeTerminalInput();
  const run = await testContext({ tty: true, stdin: terminal, server: server.url });
  return { terminal, ...run };
}

describe("register and login on a terminal", () => {
  it("ask for what the options leave out: username, email, then the password without echo", async () => {
    const username = uniqueName();
    const registering = await onTerminal();
    answerQuestions(registering.terminal, registering.stderr, [
      `${username}\n`,
      `${username}@example.com\n`,
      "secret123\r",
      "secret123\r",
    ]);
    await registerRun({}, registering.context);
    expect(registering.stderr()).toBe(
      "Username: Email: Password: \nPassword again: \n" +
        `✓ Registered ${username} on ${server.url}; log in with: prompt login --username ${username}\n`,
    );
    // Raw mode (no echo) only while the password is typed.
    expect(registering.terminal.rawModes).toEqual([true, false, true, false]);

    const loggingIn = await onTerminal();
    answerQuestions(loggingIn.terminal, loggingIn.stderr, [`${username}\n`, "secret123\r"]);
    await loginRun({}, loggingIn.context);
    expect(loggingIn.stderr()).toBe(`Username: Password: \n✓ Logged in to ${server.url} as ${username}\n`);
    expect(await loggingIn.context.client.auth.me()).toMatchObject({ username });
  });

  it("fail at once without a terminal, naming every option that is missing", async () => {
    expect(await runCli(["--server", server.url, "register"], { stdin: "secret123\n" })).toEqual({
      status: ExitCode.usage,
      stdout: "",
      stderr:
        "prompt: standard input is not a terminal to ask on: give --username NAME, --email ADDRESS and " +
        "--password-stdin\n",
    });
    expect(
      await runCli(["--server", server.url, "login", "--password-stdin"], { stdin: "secret123\n" }),
    ).toEqual({
      status: ExitCode.usage,
      stdout: "",
      stderr: "prompt: standard input is not a terminal to ask on: give --username NAME\n",
    });
  });
});

describe("the saved session", () => {
  it("is one for localhost and 127.0.0.1 with the same port", async () => {
    const username = uniqueName();
    const port = new URL(server.url).port;
    const local = `http://127.0.0.1:${port}`;
    const named = `http://localhost:${port}`;
    const { configHome } = await testContext();
    const env = { XDG_CONFIG_HOME: configHome };
    const account = ["--username", username, "--password-stdin"];
    const register = ["register", ...account, "--email", `${username}@example.com`];
    expect((await runCli(["--server", local, ...register], { env, stdin: "secret123\n" })).status).toBe(0);
    expect(
      (await runCli(["--server", local, "login", ...account], { env, stdin: "secret123\n" })).status,
    ).toBe(0);
    expect(await runCli(["--server", named, "whoami"], { env })).toEqual({
      status: 0,
      stdout: `${username}\n`,
      stderr: "",
    });
  });
});
