import type { HubEvent } from "./port.js";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The wire form of an event. Both adapters encode, so that an event the Redis hub would refuse is refused in
 * development with the in-process hub too.
 */
export function encodeEvent(event: HubEvent): string {
  if (!isObject(event)) throw new TypeError("a hub event must be a JSON object");
  try {
    return JSON.stringify(event);
  } catch (error) {
    throw new TypeError(`a hub event must be JSON-serialisable: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Parses one message; a fresh copy per call, so that a listener that mutates its event cannot affect another. */
export function decodeEvent(json: string): Record<string, unknown> {
  const event: unknown = JSON.parse(json);
  if (!isObject(event)) throw new TypeError("a hub message must be a JSON object");
  return event;
}
