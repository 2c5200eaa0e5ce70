import autocannon from "autocannon";

export type CannonOptions = autocannon.Options;

export interface CannonResult {
  /** Responses per second over the run, all statuses. */
  perSecond: number;
  responses: number;
  seconds: number;
  statuses: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

/** One autocannon run against a listening server, summarised. */
export async function cannon(options: CannonOptions): Promise<CannonResult> {
  const result = await autocannon(options);
  const statuses: Record<string, number> = {};
  const stats = (result as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  for (const [status, { count }] of Object.entries(stats)) statuses[status] = count;
  const responses = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  return {
    perSecond: responses / result.duration,
    responses,
    seconds: result.duration,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}
