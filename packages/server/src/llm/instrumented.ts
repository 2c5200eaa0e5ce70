import { ProviderError } from "../errors.js";
import type { Metrics } from "../observability/metrics.js";
import type { LlmProvider, TokenUsage } from "./port.js";

function outcomeOf(error: unknown): "timeout" | "error" {
  return error instanceof ProviderError && error.timedOut ? "timeout" : "error";
}

/**
 * The same provider, with every answer timed into `llm_request_duration_seconds{provider,outcome}` and its tokens
 * counted into `llm_tokens_total{kind,model}`.
 */
export function instrumentLlm(llm: LlmProvider, metrics: Metrics): LlmProvider {
  const timer = () => metrics.llmRequestDuration.startTimer({ provider: llm.provider });
  const countTokens = ({ promptTokens, completionTokens }: TokenUsage) => {
    metrics.llmTokens.inc({ kind: "prompt", model: llm.model }, promptTokens);
    metrics.llmTokens.inc({ kind: "completion", model: llm.model }, completionTokens);
  };
  return {
    provider: llm.provider,
    model: llm.model,
    async complete(chat) {
      const end = timer();
      try {
        const answer = await llm.complete(chat);
        end({ outcome: "success" });
        countTokens(answer.usage);
        return answer;
      } catch (error) {
        end({ outcome: outcomeOf(error) });
        throw error;
      }
    },
    async *stream(chat) {
      const end = timer();
      try {
        const answerEnd = yield* llm.stream(chat);
        end({ outcome: "success" });
        countTokens(answerEnd.usage);
        return answerEnd;
      } catch (error) {
        end({ outcome: outcomeOf(error) });
        throw error;
      }
    },
    close: () => llm.close(),
  };
}
