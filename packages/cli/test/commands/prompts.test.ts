import { RateLimitError } from "@prompt-service/sdk";
import { json, stubFetch } from "@prompt-service/testkit";
import { describe, expect, it } from "vitest";
import { historyRun } from "../../src/commands/history.js";
import { searchRun } from "../../src/commands/search.js";
import { submitRun } from "../../src/commands/submit.js";
import { ExitCode } from "../../src/exit-codes.js";
import { testContext } from "../support/context.js";

const hola = {
  id: 12,
  prompt: "hola mundo",
  response: "[mocked-llm_response] hola mundo",
  created_at: "2025-03-01T10:00:00.000Z",
};
const weather = {
  id: 13,
  prompt: "what is the weather like in Madrid today, and should I take an umbrella?",
  response: "[mocked-llm_response] what is the weather like in Madrid today, and should I take an umbrella?",
  created_at: "2025-03-01T09:00:00.000Z",
};
const loggedIn = (respond: Parameters<typeof stubFetch>[0]) => {
  const api = stubFetch(respond);
  return { api, client: { fetch: api.fetch, accessToken: "token" } };
};

describe("submit", () => {
  it("prints the answer, and asks for it on the user's event streams", async () => {
    const { api, client } = loggedIn(() => json(201, hola));
    const { context, stdout, stderr } = await testContext({ tty: true, client });
    await submitRun({ text: "hola mundo" }, context);
    expect(api.calls[0]).toMatchObject({
      method: "POST",
      path: "/api/prompts",
      body: { prompt: "hola mundo", websocket: true },
    });
    expect(stdout()).toBe("[mocked-llm_response] hola mundo\n");
    expect(stderr()).toBe("");
  });

  it("reads the prompt from standard input with -, and keeps it off the event streams with --no-ws", async () => {
    const { api, client } = loggedIn(() => json(201, hola));
    const { context, stdout } = await testContext({ stdin: "hola mundo\n", client });
    await submitRun({ text: "-", ws: false }, context);
    expect(api.calls[0]?.body).toEqual({ prompt: "hola mundo\n", websocket: false });
    expect(stdout()).toBe("[mocked-llm_response] hola mundo\n");
  });

  it("prints the stored prompt with --json", async () => {
    const { client } = loggedIn(() => json(201, hola));
    const { context, stdout } = await testContext({ json: true, client });
    await submitRun({ text: "hola mundo" }, context);
    expect(stdout()).toBe(`${JSON.stringify(hola, null, 2)}\n`);
  });

  it("refuses an empty prompt and --stream with --json as usage errors", async () => {
    const { api, client } = loggedIn(() => json(201, hola));
    const empty = await testContext({ stdin: "  \n", client });
    await expect(submitRun({ text: "-" }, empty.context)).rejects.toMatchObject({
      message: "the prompt is empty",
      exitCode: ExitCode.usage,
    });
    const streamed = await testContext({ json: true, client });
    await expect(submitRun({ text: "hola", stream: true }, streamed.context)).rejects.toMatchObject({
      exitCode: ExitCode.usage,
    });
    expect(api.calls).toEqual([]);
  });

  it("fails with the server's wait when throttled", async () => {
    const { client } = loggedIn(() =>
      json(
        429,
        { detail: "Request was throttled. Expected available in 1 second.", code: "throttled" },
        {
          "retry-after": "1",
        },
      ),
    );
    const { context } = await testContext({ client });
    const failure = submitRun({ text: "hola" }, context);
    await expect(failure).rejects.toBeInstanceOf(RateLimitError);
    await expect(failure).rejects.toMatchObject({ retryAfter: 1 });
  });
});

describe("search", () => {
  const found = {
    query: "hola",
    results: [
      { ...hola, score: 0.9123 },
      { ...weather, score: 0.25 },
    ],
  };

  it("shows a table fitted to the terminal, best first", async () => {
    const { api, client } = loggedIn(() => json(200, found));
    const { context, stdout } = await testContext({ tty: true, columns: 80, client });
    await searchRun({ query: "hola", limit: 3 }, context);
    expect(api.calls[0]?.path).toBe("/api/prompts/similar?q=hola&k=3");
    expect(stdout()).toBe(
      [
        "SCORE  ID   PROMPT                             ANSWER",
        "0.912  #12  hola mundo                         [mocked-llm_response] hola mundo",
        "0.250  #13  what is the weather like in Madr…  [mocked-llm_response] what is th…",
        "",
      ].join("\n"),
    );
  });

  it("prints tab-separated fields, nothing cut and no header, in a pipe", async () => {
    const { client } = loggedIn(() => json(200, found));
    const { context, stdout } = await testContext({ client });
    await searchRun({ query: "hola", limit: 5 }, context);
    expect(stdout()).toBe(
      `0.912\t12\thola mundo\t${hola.response}\n0.250\t13\t${weather.prompt}\t${weather.response}\n`,
    );
  });

  it("prints the server's answer with --json", async () => {
    const { client } = loggedIn(() => json(200, found));
    const { context, stdout } = await testContext({ json: true, client });
    await searchRun({ query: "hola", limit: 5 }, context);
    expect(JSON.parse(stdout())).toEqual(found);
  });

  it("says so on stderr when nothing is found", async () => {
    const { client } = loggedIn(() => json(200, { query: "hola", results: [] }));
    const { context, stdout, stderr } = await testContext({ tty: true, client });
    await searchRun({ query: "hola", limit: 5 }, context);
    expect(stdout()).toBe("");
    expect(stderr()).toBe('No earlier prompts like "hola"\n');
  });
});

describe("history", () => {
  const page = { results: [hola, weather], next: "cursor-2" };
  const now = new Date("2025-03-01T10:05:30.000Z");

  it("shows one page with relative times on a terminal, and how to get the next", async () => {
    const { api, client } = loggedIn(() => json(200, page));
    const { context, stdout, stderr } = await testContext({ tty: true, columns: 80, now, client });
    await historyRun({ limit: 2 }, context);
    expect(api.calls.map((call) => call.path)).toEqual(["/api/prompts?limit=2"]);
    expect(stdout()).toBe(
      [
        "ID   CREATED        PROMPT                         ANSWER",
        "#12  5 minutes ago  hola mundo                     [mocked-llm_response] hola m…",
        "#13  1 hour ago     what is the weather like in …  [mocked-llm_response] what i…",
        "",
      ].join("\n"),
    );
    expect(stderr()).toBe("More: prompt history --limit 2 --cursor cursor-2\n");
  });

  it("starts at --cursor, and prints ISO times, tab-separated, in a pipe", async () => {
    const { api, client } = loggedIn(() => json(200, { results: [weather], next: null }));
    const { context, stdout, stderr } = await testContext({ client });
    await historyRun({ limit: 20, cursor: "cursor-2" }, context);
    expect(api.calls.map((call) => call.path)).toEqual(["/api/prompts?limit=20&cursor=cursor-2"]);
    expect(stdout()).toBe(`13\t${weather.created_at}\t${weather.prompt}\t${weather.response}\n`);
    expect(stderr()).toBe("");
  });

  it("prints the page with --json", async () => {
    const { client } = loggedIn(() => json(200, page));
    const { context, stdout } = await testContext({ json: true, client });
    await historyRun({ limit: 2 }, context);
    expect(JSON.parse(stdout())).toEqual(page);
  });
});
