import type { ChatMessage, TokenUsage } from "./port.js";

type CountTokens = (text: string) => number;

/**
 * o200k_base, the encoding of the GPT-4o family (the default model): counts made here are estimates of what such a
 * provider would have billed. Loaded at the first count, not at start: building its tables takes about 0.6 s and
 * 55 MB, which a server whose provider reports usage never needs.
 */
let loading: Promise<CountTokens> | undefined;

function tokenizer(): Promise<CountTokens> {
  loading ??= import("gpt-tokenizer/encoding/o200k_base").then(({ countTokens }) => {
    // A text that spells a special token ("<|endoftext|>") is counted as the plain text it is, not refused.
    const options = { disallowedSpecial: new Set<string>() };
    return (text: string) => countTokens(text, options);
  });
  return loading;
}

/**
 * OpenAI's published way of counting a chat for the GPT-4 and GPT-4o families: each message costs its role and
 * content plus 3 tokens of framing, and every reply is primed with 3 more.
 */
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING_TOKENS = 3;

/** Counts texts with the tokenizer, for inputs that are not a chat (embeddings). */
export async function countTokens(texts: readonly string[]): Promise<number> {
  const count = await tokenizer();
  return texts.reduce((sum, text) => sum + count(text), 0);
}

/** What answering `messages` with `completion` costs, counted here because the provider reported nothing. */
export async function estimateUsage(
  messages: readonly ChatMessage[],
  completion: string,
): Promise<TokenUsage> {
  const count = await tokenizer();
  let promptTokens = REPLY_PRIMING_TOKENS;
  for (const { role, content } of messages) promptTokens += TOKENS_PER_MESSAGE + count(role) + count(content);
  return { promptTokens, completionTokens: count(completion), estimated: true };
}
