/** Polls until `condition` holds; fails after `timeoutMs`, saying what it waited for (and what it saw). */
export async function waitFor(
  condition: () => boolean,
  timeoutMs = 10_000,
  what: () => string = () => condition.toString(),
) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
