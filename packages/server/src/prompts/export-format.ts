import type { ExportLine } from "@prompt-service/protocol/schemas";
import type { Static } from "typebox";
import type { ImportedPrompt, StoredPrompt } from "../storage/index.js";
import { toPromptBody } from "./schemas.js";

export type ExportLineBody = Static<typeof ExportLine>;

export function toExportLine(prompt: StoredPrompt): ExportLineBody {
  return {
    ...toPromptBody(prompt),
    model: prompt.model,
    ...(prompt.messages ? { messages: prompt.messages } : {}),
    usage: {
      prompt_tokens: prompt.promptTokens,
      completion_tokens: prompt.completionTokens,
      estimated: prompt.tokensEstimated,
    },
  };
}

/** The model recorded for an imported prompt whose line names none. */
const UNKNOWN_MODEL = "imported";

export function fromExportLine(line: ExportLineBody): ImportedPrompt {
  return {
    prompt: line.prompt,
    response: line.response,
    model: line.model ?? UNKNOWN_MODEL,
    createdAt: new Date(line.created_at),
    messages: line.messages ?? null,
    usage: {
      promptTokens: line.usage?.prompt_tokens ?? 0,
      completionTokens: line.usage?.completion_tokens ?? 0,
      estimated: line.usage?.estimated ?? false,
    },
  };
}
