import { PromptClient } from "@prompt-service/sdk";
import { registerUser, startServer, startTcpProxy, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitRun } from "../../src/commands/submit.js";
import { watchRun } from "../../src/commands/watch.js";
import { testContext } from "../support/context.js";
import { runCli } from "../support/run-cli.js";
import { waitFor } from "../support/wait-for.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** A new user of the server, and what a command run as that user gets. */
async function asNewUser(options: Parameters<typeof testContext>[0] = {}) {
  const user = await registerUser(server.app);
  const run = await testContext({
    ...options,
    server: server.url,
    client: { accessToken: user.access, refreshToken: user.refresh },
  });
  const client = new PromptClient({
    baseUrl: server.url,
    accessToken: user.access,
    refreshToken: user.refresh,
  });
  return { ...run, user, client };
}

describe("submit --stream", () => {
  it("prints the answer as it streams, then a newline, and nothing else", async () => {
    const { context, stdout, stderr, client } = await asNewUser();
    await submitRun({ text: "stream this answer to me please", stream: true }, context);
    expect(stdout()).toBe("[mocked-llm_response] stream this answer to me please\n");
    expect(stderr()).toBe("");
    const stored = [];
    for await (const prompt of client.prompts.list()) stored.push(prompt.prompt);
    expect(stored).toEqual(["stream this answer to me please"]);
  });

  it("prints the first piece before the model has finished writing", async () => {
    const slow = await startServer({ mockLlmDelay: "300ms" });
    try {
      const user = await registerUser(slow.app);
      const { context, stdout } = await testContext({
        server: slow.url,
        client: { accessToken: user.access, refreshToken: user.refresh },
      });
      const submitting = submitRun(
        { text: "a slowly written answer for the terminal", stream: true },
        context,
      );
      // The mock writes four pieces 300 ms apart: the first is on screen well before the last is written.
      await waitFor(() => stdout().startsWith("[mocked-llm_response] "));
      expect(stdout()).not.toContain("terminal");
      await submitting;
      expect(stdout()).toBe("[mocked-llm_response] a slowly written answer for the terminal\n");
    } finally {
      await slow.close();
    }
  });
});

describe("submit and watch", () => {
  it("shows watch the prompts submitted, streamed or not, and keeps those sent with --no-ws off it", async () => {
    const { context, stdout, stderr, interrupt, user } = await asNewUser();
    const watching = watchRun(context);
    await waitFor(() => stderr().startsWith("watching"));
    const env = { PROMPT_SERVER: server.url, PROMPT_TOKEN: user.access };
    for (const argv of [
      ["submit", "--no-ws", "a quiet one"],
      ["submit", "a plain one"],
      ["submit", "--stream", "a streamed one"],
      ["submit", "--ws", "as older scripts ask"],
    ]) {
      expect((await runCli(argv, { env })).status).toBe(0);
    }
    await waitFor(() => stdout().includes('"prompt":"as older scripts ask","response"'));
    interrupt();
    await watching;

    const completed = stdout()
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line))
      .filter((event) => event.event === "prompt_completed")
      .map((event) => event.data.prompt);
    expect(completed).toEqual(["a plain one", "a streamed one", "as older scripts ask"]);
  });
});

describe("watch off a terminal", () => {
  it("prints each event as one line of JSON until interrupted, and its status on stderr", async () => {
    const { context, stdout, stderr, interrupt, user, client } = await asNewUser();
    const watching = watchRun(context);
    await waitFor(() => stderr() === `watching ${user.username} on ${server.url}\n`);

    const created = await client.prompts.create({ prompt: "watch this", websocket: true });
    await waitFor(() => stdout().includes("prompt_completed"));
    interrupt();
    await watching;

    const { id } = created;
    const lines = stdout().split("\n");
    expect(lines.pop()).toBe("");
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        type: "prompt.start",
        event: "prompt_started",
        data: { id, prompt: "watch this", started_at: expect.any(String) },
      },
      {
        type: "prompt.delta",
        event: "prompt_delta",
        data: { id, index: 0, delta: "[mocked-llm_response] " },
      },
      { type: "prompt.delta", event: "prompt_delta", data: { id, index: 1, delta: "watch " } },
      { type: "prompt.delta", event: "prompt_delta", data: { id, index: 2, delta: "this" } },
      { type: "prompt.message", event: "prompt_completed", data: created },
    ]);
  });

  it("waits for a server that is not up yet, then watches", async () => {
    const proxy = await startTcpProxy(server.url, 80);
    try {
      proxy.cut();
      const user = await registerUser(server.app);
      const { context, stderr, interrupt } = await testContext({
        server: proxy.url.replace(/\/$/, ""),
        client: { accessToken: user.access, refreshToken: user.refresh },
      });
      const watching = watchRun(context);
      await waitFor(() => stderr().startsWith(`waiting for ${proxy.url.replace(/\/$/, "")} (`));
      proxy.restore();
      await waitFor(() => stderr().includes(`watching ${user.username} on`), 15_000);
      interrupt();
      await watching;
    } finally {
      await proxy.close();
    }
  }, 30_000);

  it("fails at once when not logged in, instead of reconnecting forever", async () => {
    const { context, stdout } = await testContext({ server: server.url });
    await expect(watchRun(context)).rejects.toMatchObject({
      name: "AuthenticationError",
      code: "not_authenticated",
    });
    expect(stdout()).toBe("");
  });
});
