/**
 * Sign up, log in, ask, read back, list, log out.
 *
 *   npm start                                   # a server on http://127.0.0.1:8000
 *   npx tsx examples/sdk-quickstart.ts          # PROMPT_SERVER=<url> for another one
 */
import { randomUUID } from "node:crypto";
import { NotFoundError, PromptClient } from "@prompt-service/sdk";

// baseUrl defaults to $PROMPT_SERVER, then http://127.0.0.1:8000.
const client = new PromptClient();

const username = `demo_${randomUUID().slice(0, 8)}`;
const password = "correct horse battery staple";
await client.auth.register({ username, email: `${username}@example.com`, password });
await client.auth.login({ username, password });
console.log(`logged in as ${(await client.auth.me()).username}`);

const answer = await client.prompts.create({ prompt: "hola mundo" });
console.log(`#${answer.id} ${answer.prompt} -> ${answer.response}`);
console.log(`read back: ${(await client.prompts.get(answer.id)).response}`);

try {
  await client.prompts.get(answer.id + 1_000_000);
} catch (error) {
  // One error class per status; `code` and `detail` come from the server, `requestId` finds it in its logs.
  if (!(error instanceof NotFoundError)) throw error;
  console.log(`not found: ${error.code} (${error.detail})`);
}

// Every prompt, newest first; pages are fetched as the loop reaches them.
for await (const prompt of client.prompts.list()) console.log(`history: #${prompt.id} ${prompt.prompt}`);

await client.auth.logout();
console.log("logged out");
