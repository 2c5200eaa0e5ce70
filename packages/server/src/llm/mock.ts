import { setTimeout as sleep } from "node:timers/promises";
import { lastUserContent } from "./chat.js";
import type { AnswerEnd, ChatAnswer, ChatRequest, LlmProvider } from "./port.js";
import { estimateUsage } from "./token-count.js";

const PREFIX = "[mocked-llm_response] ";
const PROMPT_CHARS = 120;
const STREAM_CHUNKS = 4;

/**
 * The original Django service's mock answer: a fixed prefix and the prompt's first 120 characters. Python slices
 * strings by code point, so this counts code points too and never splits a surrogate pair.
 */
export function mockAnswer(prompt: string): string {
  let cut = "";
  let count = 0;
  for (const char of prompt) {
    if (count++ === PROMPT_CHARS) break;
    cut += char;
  }
  return PREFIX + cut;
}

/** Groups of whole words (with their trailing spaces), so that streaming can be tested without a provider. */
function chunksOf(answer: string): string[] {
  const words = answer.match(/\S+\s*/g) ?? [answer];
  const size = Math.ceil(words.length / STREAM_CHUNKS);
  const chunks: string[] = [];
  for (let start = 0; start < words.length; start += size)
    chunks.push(words.slice(start, start + size).join(""));
  return chunks;
}

/**
 * Deterministic answers for development and tests; used when no provider key is configured. It answers the chat's
 * last user turn, reports no usage of its own (its counts are estimated, as a provider's would be), and has a model
 * name of its own, so that OpenAI clients can ask for it by name.
 */
export class MockLlm implements LlmProvider {
  readonly provider = "mock";
  readonly model = "mock";
  readonly #chunkDelayMs: number;

  /** `chunkDelayMs` spaces out streamed chunks, e.g. to watch a live UI update. */
  constructor(options: { chunkDelayMs?: number } = {}) {
    this.#chunkDelayMs = options.chunkDelayMs ?? 0;
  }

  async complete(chat: ChatRequest): Promise<ChatAnswer> {
    chat.signal?.throwIfAborted();
    const content = mockAnswer(lastUserContent(chat.messages) ?? "");
    return { content, ...(await this.#end(chat, content)) };
  }

  async *stream(chat: ChatRequest): AsyncGenerator<string, AnswerEnd, undefined> {
    const { signal } = chat;
    const content = mockAnswer(lastUserContent(chat.messages) ?? "");
    for (const [index, chunk] of chunksOf(content).entries()) {
      signal?.throwIfAborted();
      if (index > 0 && this.#chunkDelayMs > 0) await sleep(this.#chunkDelayMs, undefined, { signal });
      yield chunk;
    }
    return this.#end(chat, content);
  }

  async close(): Promise<void> {}

  async #end(chat: ChatRequest, content: string): Promise<AnswerEnd> {
    return { finishReason: "stop", usage: await estimateUsage(chat.messages, content) };
  }
}
