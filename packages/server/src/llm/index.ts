import { MockLlm } from "./mock.js";
import { OpenAiCompatibleLlm } from "./openai.js";
import type { LlmProvider } from "./port.js";

export { MockLlm, mockAnswer } from "./mock.js";
export { OpenAiCompatibleLlm, type OpenAiCompatibleOptions } from "./openai.js";
export type { LlmProvider } from "./port.js";

/** The resolved settings of the language model (the server's options carry them under these names). */
interface LlmOptions {
  openaiApiKey: string | undefined;
  openaiBaseUrl: string;
  openaiModel: string;
  /** Milliseconds. */
  llmTimeout: number;
  /** Milliseconds between the mock answer's streamed pieces. */
  mockLlmDelay: number;
}

/** The OpenAI-compatible provider when a key is configured, else the mock answers of the original service. */
export function createLlm(options: LlmOptions): LlmProvider {
  if (!options.openaiApiKey) return new MockLlm({ chunkDelayMs: options.mockLlmDelay });
  return new OpenAiCompatibleLlm({
    apiKey: options.openaiApiKey,
    baseUrl: options.openaiBaseUrl,
    model: options.openaiModel,
    timeoutMs: options.llmTimeout,
  });
}
