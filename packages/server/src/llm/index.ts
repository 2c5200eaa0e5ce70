import { MockLlm } from "./mock.js";
import { OpenAiCompatibleLlm } from "./openai.js";
import type { LlmProvider } from "./port.js";

export { MockLlm, mockAnswer } from "./mock.js";
export { OpenAiCompatibleLlm, type OpenAiCompatibleOptions } from "./openai.js";
export type { LlmProvider } from "./port.js";

export interface LlmOptions {
  openaiApiKey?: string;
  openaiBaseUrl?: string;
  openaiModel?: string;
  llmTimeoutMs?: number;
  /** The mock model's pause between streamed pieces. */
  mockDelayMs?: number;
}

/** The OpenAI-compatible provider when a key is configured, else the mock answers of the original service. */
export function createLlm(options: LlmOptions): LlmProvider {
  if (!options.openaiApiKey) return new MockLlm({ chunkDelayMs: options.mockDelayMs ?? 0 });
  return new OpenAiCompatibleLlm({
    apiKey: options.openaiApiKey,
    baseUrl: options.openaiBaseUrl,
    model: options.openaiModel,
    timeoutMs: options.llmTimeoutMs,
  });
}
