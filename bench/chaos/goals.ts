/** The chaos run's table: each goal of issue 26 §2 beside the figure the run measured. */
import { MB, round } from "../support/stats.js";
import type { Attempt, ChaosRecorder } from "./clients.js";

export interface Fault {
  name: string;
  /** ms since the run's start. */
  start: number;
  end: number;
}

export interface Verification {
  /** Acknowledged prompts missing from the database, or still without a vector when the run gave up waiting. */
  lost: number;
  withoutVector: number;
  /** Rows beyond the first of one prompt text (every text the clients send is unique). */
  duplicates: number;
}

export interface MemoryFigure {
  instance: string;
  warmBytes: number;
  endBytes: number;
  /** Times the instance's process exited without being told to. */
  crashes: number;
}

export interface ChaosRow {
  goal: string;
  figure: string;
  target: string;
  met: boolean | undefined;
}

/** A request counts as inside a fault when it overlaps it, or the 5 s after it that clients have to recover. */
export const RECOVERY_MS = 5_000;
/** A socket must be open from a POST's start until this long after its 201 to be expected to get the event. */
const EVENT_GRACE_MS = 1_000;

const pct = (part: number, whole: number) => (whole === 0 ? 100 : (100 * part) / whole);

export function chaosTable(
  recorder: ChaosRecorder,
  faults: readonly Fault[],
  verification: Verification,
  memory: readonly MemoryFigure[],
): ChaosRow[] {
  const rows: ChaosRow[] = [];
  const posts = recorder.attempts.filter((attempt) => attempt.kind === "post");
  const searches = recorder.attempts.filter((attempt) => attempt.kind === "search");
  rows.push({
    goal: "load",
    figure:
      `${recorder.acknowledged.length} prompts acknowledged (${posts.length} POST attempts, ` +
      `${recorder.resentWithoutAnswer} resent after no answer, ${recorder.abandoned} given up), ` +
      `${searches.filter((attempt) => attempt.status === 200).length} of ${searches.length} searches answered 200, ` +
      `${recorder.sockets.length} socket connections`,
    target: "",
    met: undefined,
  });
  rows.push({
    goal: "acknowledged prompts lost (missing, or without a vector)",
    figure: `${verification.lost} (${verification.withoutVector} without a vector)`,
    target: "0",
    met: verification.lost === 0,
  });
  rows.push({
    goal: "prompts stored twice",
    figure: String(verification.duplicates),
    target: "0",
    met: verification.duplicates === 0,
  });

  const inside = (start: number, end: number) =>
    faults.some((fault) => start < fault.end + RECOVERY_MS && end > fault.start);
  const fiveHundreds = recorder.attempts.filter((attempt) => (attempt.status ?? 0) >= 500);
  const outside = fiveHundreds.filter((attempt) => !inside(attempt.start, attempt.end));
  const badInside = fiveHundreds.filter(
    (attempt) => inside(attempt.start, attempt.end) && !(attempt.status === 503 && attempt.retryAfter),
  );
  const statuses = countBy(
    fiveHundreds,
    (attempt) => `${attempt.kind} ${attempt.status}${attempt.retryAfter ? "+Retry-After" : ""}`,
  );
  rows.push({
    goal: "5xx outside the fault windows",
    figure: String(outside.length),
    target: "0",
    met: outside.length === 0,
  });
  rows.push({
    goal: "5xx inside them that are not 503 with Retry-After",
    figure: `${badInside.length} (all 5xx: ${statuses || "none"})`,
    target: "0",
    met: badInside.length === 0,
  });

  faults.forEach((fault, position) => {
    // Until the next fault begins: a request still running then may fail because of the next one.
    const until = faults[position + 1]?.start ?? Number.POSITIVE_INFINITY;
    const failures = recorder.attempts.filter(
      (attempt) => attempt.start >= fault.end && attempt.end < until && !succeeded(attempt),
    );
    const failedAfter = failures.map((attempt) => attempt.start - fault.end);
    // Each socket that closed because of the fault, and when its user had one open again.
    const closed = recorder.sockets.filter(
      (life) =>
        life.closeAt !== undefined && life.closeAt >= fault.start && life.closeAt < fault.end + RECOVERY_MS,
    );
    const reopenDelays = closed.map((life) => {
      const next = recorder.sockets.find(
        (other) => other.user === life.user && other.openAt >= (life.closeAt as number),
      );
      return next ? Math.max(0, next.openAt - fault.end) : Number.POSITIVE_INFINITY;
    });
    const lastFailure = Math.max(0, ...failedAfter);
    const lastReopen = Math.max(0, ...reopenDelays);
    const recovery = Math.max(lastFailure, lastReopen);
    rows.push({
      goal: `back to normal after: ${fault.name} (${round((fault.end - fault.start) / 1000, 1)} s)`,
      figure:
        `${round(recovery / 1000, 1)} s (last failed request ${round(lastFailure / 1000, 1)} s after; ` +
        `${closed.length} sockets closed, the last reopened ${round(lastReopen / 1000, 1)} s after` +
        `${failures.length > 0 ? `; failed: ${countBy(failures, describe)}` : ""})`,
      target: "≤ 5 s",
      met: recovery <= RECOVERY_MS,
    });
  });

  const redis = faults.find((fault) => fault.name.startsWith("Redis"));
  let expected = 0;
  let delivered = 0;
  const missed: string[] = [];
  for (const ack of recorder.acknowledged) {
    if (redis && ack.ackAt >= redis.start && ack.ackAt <= redis.end) continue;
    for (const life of recorder.sockets) {
      if (life.user !== ack.user || life.openAt > ack.sent) continue;
      if (life.closeAt !== undefined && life.closeAt < ack.ackAt + EVENT_GRACE_MS) continue;
      expected++;
      if (life.received.has(ack.id)) delivered++;
      else missed.push(whenInRun(ack.ackAt, faults));
    }
  }
  rows.push({
    goal: "events of prompts acknowledged while Redis was up, reaching the sockets open then",
    figure:
      `${round(pct(delivered, expected), 2)} % (${delivered} of ${expected}` +
      `${missed.length > 0 ? `; missed, by the 201's time: ${missed.join(", ")}` : ""})`,
    target: "≥ 99.9 %",
    met: pct(delivered, expected) >= 99.9,
  });

  const crashes = memory.reduce((sum, figure) => sum + figure.crashes, 0);
  rows.push({
    goal: "instances that exited on their own",
    figure: memory.map((figure) => `${figure.instance}: ${figure.crashes}`).join(", "),
    target: "0",
    met: crashes === 0,
  });
  for (const figure of memory) {
    const growth = pct(figure.endBytes - figure.warmBytes, figure.warmBytes);
    rows.push({
      goal: `RSS of ${figure.instance}, after warm-up → at the end`,
      figure: `${round(figure.warmBytes / MB, 0)} → ${round(figure.endBytes / MB, 0)} MB (${growth >= 0 ? "+" : ""}${round(growth, 1)} %)`,
      // A leak is what the goal guards against: RSS that the kernel takes back after warm-up is no miss.
      target: "≤ +10 %",
      met: growth <= 10,
    });
  }
  return rows;
}

/** A moment of the run, told by the fault before it: "Redis stopped, then started +1.2 s". */
function whenInRun(at: number, faults: readonly Fault[]): string {
  const before = faults.filter((fault) => fault.start <= at).at(-1);
  if (!before) return `warm-up ${round(at / 1000, 1)} s`;
  return at <= before.end
    ? `during ${before.name.split(",")[0]}`
    : `${round((at - before.end) / 1000, 1)} s after ${before.name.split(",")[0]}`;
}

const describe = (attempt: Attempt) => `${attempt.kind} ${attempt.status ?? attempt.error}`;

/** "a × 3, b × 1", most frequent first. */
function countBy<Item>(items: readonly Item[], key: (item: Item) => string): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${name} × ${count}`)
    .join(", ");
}

function succeeded(attempt: { status?: number }): boolean {
  return attempt.status !== undefined && attempt.status < 500 && attempt.status !== 409;
}

export function formatTable(rows: readonly ChaosRow[]): string {
  const verdict = (met: boolean | undefined) => (met === undefined ? "" : met ? "✅" : "❌");
  const lines = [
    "| goal | figure | target | met |",
    "|---|---|---|---|",
    ...rows.map((row) => `| ${row.goal} | ${row.figure} | ${row.target} | ${verdict(row.met)} |`),
  ];
  return lines.join("\n");
}
