import type { Static } from "typebox";
import type { ChatMessage } from "../llm/port.js";
import { invalidParam } from "./errors.js";
import type { ChatCompletionRequest } from "./schemas.js";

type RequestMessage = Static<typeof ChatCompletionRequest>["messages"][number];

/** A chat as the model takes it and storage keeps it, and the prompt it stands for in history and search. */
export interface ReceivedChat {
  messages: ChatMessage[];
  /** The last user message, trimmed: stored as the prompt, searched, and what a reused answer must match. */
  prompt: string;
}

/**
 * The request's messages in the service's terms: text parts joined into one text (OpenAI's models read them as
 * one), `developer` taken as `system` (what it replaces for newer models). Refuses a chat without a user message to
 * answer, or whose last one is blank or longer than a prompt may be.
 */
export function receiveChat(messages: readonly RequestMessage[], promptMaxLength: number): ReceivedChat {
  const received = messages.map(({ role, content }) => ({
    role: role === "developer" ? "system" : role,
    content: typeof content === "string" ? content : content.map((part) => part.text).join("\n"),
  })) satisfies ChatMessage[];
  const last = received.findLastIndex((message) => message.role === "user");
  const prompt = received[last]?.content.trim();
  if (last < 0 || prompt === undefined) {
    throw invalidParam(
      "messages",
      "Invalid value for 'messages': at least one message must have role 'user'.",
    );
  }
  const param = `messages[${last}].content`;
  if (prompt.length === 0)
    throw invalidParam(param, `Invalid value for '${param}': the last user message is blank.`);
  // Counted in code points, as POST /api/prompts counts a prompt; only long texts pay for the count.
  if (prompt.length > promptMaxLength && [...prompt].length > promptMaxLength) {
    throw invalidParam(
      param,
      `Invalid value for '${param}': the last user message is stored as a prompt, which has at most ` +
        `${promptMaxLength} characters.`,
      "string_above_max_length",
    );
  }
  return { messages: received, prompt };
}
