import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountDeleteRun } from "../../src/commands/account.js";
import { ExitCode } from "../../src/exit-codes.js";
import { answerQuestions } from "../support/answer-questions.js";
import { testContext } from "../support/context.js";
import { FakeTerminalInput } from "../support/fake-io.js";
import { loggedInUser } from "../support/logged-in.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe("prompt account delete", () => {
  it("on a terminal, asks to type the username, then the password, and forgets the session", async () => {
    const { user, env, prompt } = await loggedInUser(server);
    const terminal = new FakeTerminalInput();
    const run = await testContext({ tty: true, stdin: terminal, server: server.url, env });
    answerQuestions(terminal, run.stderr, [`${user.username}\n`, `${user.password}\r`]);
    await accountDeleteRun({}, run.context);
    expect(run.stderr()).toBe(
      `This deletes ${user.username} on ${server.url} with every prompt, key and session. Type ${user.username} to confirm: ` +
        `Password: \n✓ Deleted the account ${user.username} on ${server.url}, with everything it owned\n`,
    );
    expect(await run.credentials.session(server.url)).toBeUndefined();
    const after = await prompt(["whoami"]);
    expect(after.status).toBe(ExitCode.authentication);
  });

  it("cancels when the typed name does not match", async () => {
    const { env, prompt, user } = await loggedInUser(server);
    const terminal = new FakeTerminalInput();
    const run = await testContext({ tty: true, stdin: terminal, server: server.url, env });
    answerQuestions(terminal, run.stderr, ["someone else\n", `${user.password}\r`]);
    await expect(accountDeleteRun({}, run.context)).rejects.toThrow("cancelled: the name did not match");
    expect((await prompt(["whoami"])).stdout).toBe(`${user.username}\n`);
  });

  it("without a terminal needs --yes and --password-stdin, and refuses a wrong password", async () => {
    const { prompt, user } = await loggedInUser(server);
    expect(await prompt(["account", "delete"], { stdin: "" })).toEqual({
      status: ExitCode.usage,
      stdout: "",
      stderr: "prompt: standard input is not a terminal to ask on: give --yes and --password-stdin\n",
    });
    const wrong = await prompt(["account", "delete", "--yes", "--password-stdin"], { stdin: "wrong\n" });
    expect(wrong.status).toBe(ExitCode.authentication);
    expect((await prompt(["whoami"])).stdout).toBe(`${user.username}\n`);
    const done = await prompt(["account", "delete", "--yes", "--password-stdin"], {
      stdin: `${user.password}\n`,
    });
    expect(done).toMatchObject({ status: 0, stderr: expect.stringContaining("✓ Deleted the account") });
  });
});
