/**
 * Watch the live event stream while a prompt is answered: the answer arrives in pieces, then whole.
 *
 *   npx tsx examples/sdk-watch.ts               # PROMPT_SERVER=<url> for a server elsewhere
 */
import { randomUUID } from "node:crypto";
import { PromptClient } from "@prompt-service/sdk";

const client = new PromptClient();
const username = `watcher_${randomUUID().slice(0, 8)}`;
const password = "correct horse battery staple";
await client.auth.register({ username, email: `${username}@example.com`, password });
await client.auth.login({ username, password });

// Reconnects by itself (with a fresh token) until closed; Ctrl-C aborts it.
const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
const stream = client.events({ signal: controller.signal });
stream.on("reconnecting", ({ code, delayMs }) =>
  console.error(`connection lost (${code}), back in ${delayMs} ms`),
);
await stream.ready();

// Asked without waiting: the events tell the story.
const asked = client.prompts.create({ prompt: "stream me an answer", websocket: true });

for await (const event of stream) {
  if (event.event === "prompt_delta")
    console.log(`delta ${event.data.index}: ${JSON.stringify(event.data.delta)}`);
  if (event.event === "prompt_completed") {
    console.log(`completed #${event.data.id}: ${event.data.response}`);
    break; // leaving the loop closes the stream
  }
}
await asked;
