import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type DeliveryErrorHandler,
  type EventHub,
  HubUnavailableError,
  userGroup,
} from "../../../src/realtime/hub/index.js";
import { recorder } from "./recorder.js";

export interface HubHarness {
  readonly kind: EventHub["kind"];
  /** Opens a hub under test; hubs of one harness share a deployment (same Redis and prefix) where there is one. */
  open(options?: { onDeliveryError?: DeliveryErrorHandler }): Promise<EventHub>;
}

/** A group no other test uses. */
const freshGroup = () => userGroup(Math.floor(Math.random() * 1e12));

/**
 * One contract, every adapter of the hub port: what sockets rely on, on one instance. Delivery is asynchronous
 * for some adapters, so "nothing else arrived" is checked after a later fence event has arrived: one publisher's
 * events arrive in order.
 */
export function hubContract(name: string, makeHarness: () => Promise<HubHarness>): void {
  describe(`event hub contract: ${name}`, () => {
    let harness: HubHarness;
    let hub: EventHub;
    const deliveryErrors: { error: unknown; group: string }[] = [];

    beforeAll(async () => {
      harness = await makeHarness();
      hub = await harness.open({ onDeliveryError: (error, group) => deliveryErrors.push({ error, group }) });
    });

    afterAll(async () => {
      await hub?.close();
    });

    it("reports its kind and answers a ping", async () => {
      expect(hub.kind).toBe(harness.kind);
      await expect(hub.ping()).resolves.toBeUndefined();
    });

    it("delivers each event once to every listener of the group, with its JSON text", async () => {
      const group = freshGroup();
      const [first, second] = [recorder(), recorder()];
      await hub.subscribe(group, first.listener);
      await hub.subscribe(group, second.listener);
      const event = { type: "prompt.message", event: "prompt_completed", data: { id: 1, prompt: "hola" } };
      await hub.publish(group, event);
      await hub.publish(group, { fence: true });
      for (const listener of [first, second]) {
        expect(await listener.waitFor(2)).toEqual([event, { fence: true }]);
        expect(listener.texts[0]).toBe(JSON.stringify(event));
      }
    });

    it("delivers nothing to listeners of other groups, even of similar names", async () => {
      const group = freshGroup();
      const member = recorder();
      const outsiders = [`${group}0`, `${group}_x`, group.toUpperCase(), `x${group}`].map((name) => ({
        name,
        recorder: recorder(),
      }));
      await hub.subscribe(group, member.listener);
      for (const outsider of outsiders) await hub.subscribe(outsider.name, outsider.recorder.listener);
      await hub.publish(group, { secret: true });
      for (const outsider of outsiders) await hub.publish(outsider.name, { fence: outsider.name });
      for (const outsider of outsiders) {
        expect(await outsider.recorder.waitFor(1)).toEqual([{ fence: outsider.name }]);
      }
      expect(member.events).toEqual([{ secret: true }]);
    });

    it("keeps one publisher's order within a group", async () => {
      const group = freshGroup();
      const listener = recorder();
      await hub.subscribe(group, listener.listener);
      await Promise.all(Array.from({ length: 200 }, (_, seq) => hub.publish(group, { seq })));
      const events = await listener.waitFor(200);
      expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 200 }, (_, seq) => seq));
    });

    it("reports a listener that throws or rejects, and still delivers to the others", async () => {
      const group = freshGroup();
      const before = recorder();
      const after = recorder();
      await hub.subscribe(group, before.listener);
      await hub.subscribe(group, () => {
        throw new Error("sync boom");
      });
      await hub.subscribe(group, async () => {
        throw new Error("async boom");
      });
      await hub.subscribe(group, after.listener);
      await hub.publish(group, { n: 1 });
      await hub.publish(group, { n: 2 });
      expect(await before.waitFor(2)).toEqual([{ n: 1 }, { n: 2 }]);
      expect(await after.waitFor(2)).toEqual([{ n: 1 }, { n: 2 }]);
      await vi.waitFor(() => expect(deliveryErrors.filter((entry) => entry.group === group)).toHaveLength(4));
      const messages = deliveryErrors.map((entry) => (entry.error as Error).message);
      expect(messages.filter((message) => message === "sync boom")).toHaveLength(2);
      expect(messages.filter((message) => message === "async boom")).toHaveLength(2);
    });

    it("stops delivering to a listener once unsubscribed, and only to that subscription", async () => {
      const group = freshGroup();
      const twice = recorder();
      const stays = recorder();
      const firstOfTwice = await hub.subscribe(group, twice.listener);
      await hub.subscribe(group, twice.listener);
      await hub.subscribe(group, stays.listener);
      await hub.publish(group, { n: 1 });
      await stays.waitFor(1);
      expect(await twice.waitFor(2)).toEqual([{ n: 1 }, { n: 1 }]);

      await firstOfTwice();
      await firstOfTwice();
      await hub.publish(group, { n: 2 });
      expect(await stays.waitFor(2)).toEqual([{ n: 1 }, { n: 2 }]);
      expect(await twice.waitFor(3)).toEqual([{ n: 1 }, { n: 1 }, { n: 2 }]);
    });

    it("keeps delivering to a group that lost all its listeners and then gained a new one", async () => {
      const group = freshGroup();
      const unsubscribe = await hub.subscribe(group, recorder().listener);
      await unsubscribe();
      const listener = recorder();
      await hub.subscribe(group, listener.listener);
      await hub.publish(group, { back: true });
      expect(await listener.waitFor(1)).toEqual([{ back: true }]);
    });

    it("gives every listener its own copy of the event", async () => {
      const group = freshGroup();
      const published = { data: { text: "original" } };
      const second = recorder();
      await hub.subscribe(group, (event) => {
        (event.data as { text: string }).text = "changed by a listener";
      });
      await hub.subscribe(group, second.listener);
      const publishing = hub.publish(group, published);
      published.data.text = "changed by the publisher";
      await publishing;
      expect(await second.waitFor(1)).toEqual([{ data: { text: "original" } }]);
    });

    it("refuses events that are not JSON objects, delivering nothing", async () => {
      const group = freshGroup();
      const listener = recorder();
      await hub.subscribe(group, listener.listener);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      for (const invalid of [{ big: 1n }, cyclic, [1, 2], null]) {
        await expect(hub.publish(group, invalid as object)).rejects.toBeInstanceOf(TypeError);
      }
      await hub.publish(group, { fence: true });
      expect(await listener.waitFor(1)).toEqual([{ fence: true }]);
    });

    it("refuses work once closed, and closes idempotently", async () => {
      const closing = await harness.open();
      const group = freshGroup();
      const listener = recorder();
      await closing.subscribe(group, listener.listener);
      await closing.close();
      await closing.close();
      await expect(closing.publish(group, { late: true })).rejects.toBeInstanceOf(HubUnavailableError);
      await expect(closing.subscribe(group, () => undefined)).rejects.toBeInstanceOf(HubUnavailableError);
      await expect(closing.ping()).rejects.toBeInstanceOf(HubUnavailableError);
      // The listener of the closed hub is gone even though others still publish to its group.
      const open = recorder();
      await hub.subscribe(group, open.listener);
      await hub.publish(group, { after: "close" });
      await open.waitFor(1);
      expect(listener.events).toEqual([]);
    });

    it("serves many groups at once", async () => {
      const groups = Array.from({ length: 20 }, () => ({
        name: `${freshGroup()}_${randomUUID()}`,
        got: recorder(),
      }));
      await Promise.all(groups.map((group) => hub.subscribe(group.name, group.got.listener)));
      await Promise.all(groups.map((group) => hub.publish(group.name, { to: group.name })));
      for (const group of groups) expect(await group.got.waitFor(1)).toEqual([{ to: group.name }]);
    });
  });
}
