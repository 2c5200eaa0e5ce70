import type { ChatMessage } from "./port.js";

/** What a chat asks now: its last user turn (the stored prompt, and what the mock answers); undefined without one. */
export function lastUserContent(messages: readonly ChatMessage[]): string | undefined {
  return messages.findLast((message) => message.role === "user")?.content;
}

/** A single prompt as a chat: what POST /api/prompts sends. */
export function singlePrompt(text: string): ChatMessage[] {
  return [{ role: "user", content: text }];
}
