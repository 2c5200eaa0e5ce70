import type { PromptEvent, ReconnectInfo } from "@prompt-service/sdk";

/** One prompt in the feed. */
export interface FeedEntry {
  id: number;
  /** Unknown while the answer streams: the events carry the prompt's text only once it is stored. */
  prompt: string | undefined;
  response: string;
  state: "streaming" | "completed" | "failed";
  /** Why it failed: code and detail. */
  failure?: string;
}

export type Connection =
  | { state: "connecting" }
  | { state: "connected" }
  | { state: "reconnecting"; retryAt: number; cause: string }
  | { state: "closed"; error: string | undefined };

export interface FeedState {
  /** Finished prompts, oldest first: they never change again, so ink prints them once (`<Static>`). */
  past: FeedEntry[];
  /** Answers being written, oldest first; the newest is at the bottom, just above the status line. */
  streaming: FeedEntry[];
  connection: Connection;
}

export type FeedAction =
  | { type: "open" }
  | { type: "reconnecting"; info: ReconnectInfo; now: number }
  | { type: "close"; error: string | undefined }
  | { type: "event"; event: PromptEvent };

export const initialFeed: FeedState = { past: [], streaming: [], connection: { state: "connecting" } };

/** The entry of prompt `id` that is streaming, or a new one. */
function streamingEntry(state: FeedState, id: number): FeedEntry {
  return (
    state.streaming.find((entry) => entry.id === id) ?? {
      id,
      prompt: undefined,
      response: "",
      state: "streaming",
    }
  );
}

/** Moves prompt `id` from the live region to the past. */
function finish(state: FeedState, entry: FeedEntry): FeedState {
  return {
    ...state,
    past: [...state.past, entry],
    streaming: state.streaming.filter((each) => each.id !== entry.id),
  };
}

function onEvent(state: FeedState, event: PromptEvent): FeedState {
  switch (event.event) {
    case "prompt_delta": {
      const entry = streamingEntry(state, event.data.id);
      const updated = { ...entry, response: entry.response + event.data.delta };
      return { ...state, streaming: [...state.streaming.filter((each) => each.id !== entry.id), updated] };
    }
    case "prompt_completed": {
      const { id, prompt, response } = event.data;
      return finish(state, { id, prompt, response, state: "completed" });
    }
    case "prompt_failed": {
      const { id, code, detail } = event.data;
      const entry = streamingEntry(state, id);
      return finish(state, { ...entry, state: "failed", failure: `${code}: ${detail}` });
    }
  }
}

/** The feed of `prompt watch`, from the event stream's events and its connection's ups and downs. */
export function feedReducer(state: FeedState, action: FeedAction): FeedState {
  switch (action.type) {
    case "open":
      return { ...state, connection: { state: "connected" } };
    case "reconnecting": {
      const { code, reason, delayMs } = action.info;
      const cause = `${code} ${reason}`.trim();
      return { ...state, connection: { state: "reconnecting", retryAt: action.now + delayMs, cause } };
    }
    case "close":
      return { ...state, connection: { state: "closed", error: action.error } };
    case "event":
      return onEvent(state, action.event);
  }
}
