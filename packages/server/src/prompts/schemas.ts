import type { PromptBody } from "@prompt-service/protocol/schemas";
import { type Static, Type } from "typebox";
import type { StoredPrompt } from "../storage/index.js";

/** The path of a route about one prompt: which prompt (a URL, not a body: the SDK builds it from the id). */
export const PromptIdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
});

/** A stored prompt as every answer and event shows it. */
export const toPromptBody = (prompt: StoredPrompt): Static<typeof PromptBody> => ({
  id: prompt.id,
  prompt: prompt.prompt,
  response: prompt.response,
  created_at: prompt.createdAt.toISOString(),
  reused_from: prompt.reusedFrom,
});
