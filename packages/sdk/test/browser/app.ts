/**
 * The page's script of browser.test.ts, bundled for the browser from the SDK's browser entry: what a web app does
 * with the SDK, against a server on another origin.
 */
import { PromptClient, type PromptEvent } from "../../src/browser.js";

async function runFlow(baseUrl: string) {
  const client = new PromptClient({ baseUrl });
  const username = `browser${Date.now().toString(36)}`;
  const password = "correct horse battery staple";
  await client.auth.register({ username, email: `${username}@example.com`, password });
  await client.auth.login({ username, password });

  const events = client.events();
  await events.ready();
  const received: PromptEvent[] = [];
  const completed = new Promise<void>((resolve) => {
    events.on("prompt_completed", () => resolve());
  });
  events.on("prompt_delta", (delta) =>
    received.push({ type: "prompt.delta", event: "prompt_delta", data: delta }),
  );
  const created = await client.prompts.create({ prompt: "hola desde el navegador", websocket: true });
  await completed;
  await events.close();

  const stream = client.prompts.stream({ prompt: "cuéntame algo desde el navegador" });
  const pieces: string[] = [];
  for await (const event of stream) if (event.type === "prompt.delta") pieces.push(event.data.delta);
  const streamed = await stream.finalPrompt();

  const similar = await client.prompts.similar("hola navegador", { k: 2 });
  return {
    created,
    socketDeltas: received.map((event) => event.data),
    streamed,
    streamedPieces: pieces,
    similarIds: similar.results.map((result) => result.id),
  };
}

(globalThis as { runFlow?: typeof runFlow }).runFlow = runFlow;
