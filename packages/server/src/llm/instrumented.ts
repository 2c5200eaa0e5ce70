import { ApiError } from "../errors.js";
import type { Metrics } from "../observability/metrics.js";
import type { LlmProvider } from "./port.js";

function outcomeOf(error: unknown): "timeout" | "error" {
  return error instanceof ApiError && error.code === "llm_timeout" ? "timeout" : "error";
}

/** The same provider, with every answer timed into `llm_request_duration_seconds{provider,outcome}`. */
export function instrumentLlm(llm: LlmProvider, metrics: Metrics): LlmProvider {
  const timer = () => metrics.llmRequestDuration.startTimer({ provider: llm.provider });
  return {
    provider: llm.provider,
    model: llm.model,
    async complete(prompt, options) {
      const end = timer();
      try {
        const answer = await llm.complete(prompt, options);
        end({ outcome: "success" });
        return answer;
      } catch (error) {
        end({ outcome: outcomeOf(error) });
        throw error;
      }
    },
    async *stream(prompt, options) {
      const end = timer();
      try {
        yield* llm.stream(prompt, options);
        end({ outcome: "success" });
      } catch (error) {
        end({ outcome: outcomeOf(error) });
        throw error;
      }
    },
    close: () => llm.close(),
  };
}
