import type { Prompt, PromptEvent, ReconnectInfo } from "@prompt-service/sdk";

/**
 * How many prompts the watch keeps. The feed scrolls inside the app, so every prompt kept is laid out again on
 * each frame (ink's `<Static>` would print finished prompts once into the terminal's scrollback instead, where the
 * app could neither scroll them nor hold a view still while new ones arrive): the window is bounded, and older
 * prompts are in `prompt history`.
 */
const FEED_WINDOW = 200;

interface EntryBase {
  id: number;
  /** Unknown only when the watch began after the prompt did (its `prompt_started` event was missed). */
  prompt: string | undefined;
  /** The answer so far. */
  response: string;
  /** When the server took the prompt, by its clock; undefined when the watch began after that. */
  startedAt?: number;
}

/** One prompt in the feed. */
export type FeedEntry = EntryBase &
  (
    | { state: "streaming" }
    | {
        state: "completed";
        prompt: string /** When it was stored, by the server's clock. */;
        answeredAt: number;
      }
    | {
        state: "failed" /** Code and detail. */;
        failure: string /** When the failure arrived. */;
        failedAt: number;
      }
  );

export type Connection =
  | { state: "connecting" }
  | { state: "connected" }
  | { state: "reconnecting"; retryAt: number; cause: string }
  | { state: "closed"; error: string | undefined };

export interface FeedState {
  /**
   * The prompts kept, in the order they began: an entry keeps its place when its answer ends, so that entries
   * never move under a reader who has scrolled up. The newest is at the bottom.
   */
  entries: FeedEntry[];
  /**
   * Entries added below the others since the start, those the window has dropped included: the count of what
   * arrived meanwhile. Earlier prompts loaded into the feed above its entries are not counted.
   */
  added: number;
  connection: Connection;
  /** The user's recent prompts: not asked yet, loaded into the feed, or not loaded (why). */
  recent: { state: "loading" } | { state: "loaded" } | { state: "failed"; error: string };
}

type FeedAction =
  | { type: "open" }
  | { type: "reconnecting"; info: ReconnectInfo; now: number }
  | { type: "close"; error: string | undefined }
  | { type: "event"; event: PromptEvent; now: number }
  /** The user's latest prompts from the API, newest first, loaded at each connection. */
  | { type: "recent"; prompts: Prompt[] }
  | { type: "recentFailed"; error: string };

export const initialFeed: FeedState = {
  entries: [],
  added: 0,
  connection: { state: "connecting" },
  recent: { state: "loading" },
};

/** Drops the oldest finished entries beyond the window; answers being written stay until they end. */
function withinWindow(entries: FeedEntry[]): FeedEntry[] {
  let excess = entries.length - FEED_WINDOW;
  if (excess <= 0) return entries;
  return entries.filter((entry) => entry.state === "streaming" || excess-- <= 0);
}

/** The feed with prompt `id`'s entry (a new one at the bottom if there is none yet) changed by `change`. */
function updateEntry(state: FeedState, id: number, change: (entry: FeedEntry) => FeedEntry): FeedState {
  const index = state.entries.findIndex((entry) => entry.id === id);
  const existing = state.entries[index];
  if (existing) return { ...state, entries: state.entries.with(index, change(existing)) };
  const created = change({ id, prompt: undefined, response: "", state: "streaming" });
  return { ...state, entries: withinWindow([...state.entries, created]), added: state.added + 1 };
}

const storedEntry = ({ id, prompt, response, created_at }: Prompt): FeedEntry => ({
  id,
  prompt,
  response,
  state: "completed",
  answeredAt: Date.parse(created_at),
});

/**
 * The feed with the user's stored prompts merged in: those it lacks are placed by id (the order prompts begin in),
 * and an answer it saw only in part (the connection dropped meanwhile) is completed. Loaded at each connection, so
 * that the feed opens with the recent prompts and catches up on what a reconnection missed.
 */
function withRecent(state: FeedState, prompts: Prompt[]): FeedState {
  const byId = new Map(state.entries.map((entry) => [entry.id, entry]));
  const newestBefore = Math.max(-1, ...byId.keys());
  let below = 0;
  for (const prompt of prompts) {
    const existing = byId.get(prompt.id);
    if (existing?.state === "completed") continue;
    if (!existing && prompt.id > newestBefore) below += 1;
    byId.set(prompt.id, { ...storedEntry(prompt), ...(existing ? { startedAt: existing.startedAt } : {}) });
  }
  const entries = withinWindow([...byId.values()].sort((a, b) => a.id - b.id));
  return { ...state, entries, added: state.added + below, recent: { state: "loaded" } };
}

function onEvent(state: FeedState, event: PromptEvent, now: number): FeedState {
  switch (event.event) {
    case "prompt_started": {
      const { id, prompt, started_at } = event.data;
      return updateEntry(state, id, (entry) => ({ ...entry, prompt, startedAt: Date.parse(started_at) }));
    }
    case "prompt_delta": {
      const { id, delta } = event.data;
      return updateEntry(state, id, (entry) => ({ ...entry, response: entry.response + delta }));
    }
    case "prompt_completed": {
      const { id, prompt, response, created_at } = event.data;
      return updateEntry(state, id, (entry) => ({
        ...entry,
        prompt,
        response,
        state: "completed",
        answeredAt: Date.parse(created_at),
      }));
    }
    case "prompt_failed": {
      const { id, code, detail } = event.data;
      return updateEntry(state, id, (entry) => ({
        ...entry,
        state: "failed",
        failure: `${code}: ${detail}`,
        failedAt: now,
      }));
    }
    case "prompt_deleted": {
      const { id } = event.data;
      return { ...state, entries: state.entries.filter((entry) => entry.id !== id) };
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
      return onEvent(state, action.event, action.now);
    case "recent":
      return withRecent(state, action.prompts);
    case "recentFailed":
      return { ...state, recent: { state: "failed", error: action.error } };
  }
}
