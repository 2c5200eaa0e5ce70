/**
 * Find earlier prompts that mean the same thing as a question, with similarity scores.
 *
 *   npx tsx examples/sdk-search.ts              # PROMPT_SERVER=<url> for a server elsewhere
 */
import { randomUUID } from "node:crypto";
import { PromptClient, RateLimitError } from "@prompt-service/sdk";

const client = new PromptClient();
const username = `searcher_${randomUUID().slice(0, 8)}`;
const password = "correct horse battery staple";
await client.auth.register({ username, email: `${username}@example.com`, password });
await client.auth.login({ username, password });

for (const prompt of ["the weather is sunny today", "how do I bake bread", "is it going to rain tomorrow"]) {
  try {
    // Creating is throttled per user; opting into retries waits out Retry-After instead of failing.
    await client.prompts.create({ prompt }, { maxRetries: 3 });
  } catch (error) {
    if (error instanceof RateLimitError) console.error(`throttled: try again in ${error.retryAfter} s`);
    throw error;
  }
}

const { query, results } = await client.prompts.similar("what's the weather like", { k: 2 });
console.log(`closest to "${query}":`);
for (const result of results) console.log(`${result.score.toFixed(3)} #${result.id} ${result.prompt}`);
