import { ERROR_CODES } from "@prompt-service/protocol";
import type { FastifyBaseLogger, FastifyPluginAsync } from "fastify";
import { Type } from "typebox";
import { slashVariants } from "../http/slash-variants.js";

/** Something the service needs in order to answer requests, such as its database. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or outlives the timeout) when it does not. */
  check: () => Promise<unknown>;
}

export interface HealthOptions {
  readinessChecks: readonly ReadinessCheck[];
  /** Bound on each check, so a hung dependency makes the probe fail rather than hang. */
  readinessTimeoutMs?: number;
}

const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

const Alive = Type.Object({ status: Type.Literal("ok") });

const CheckResults = Type.Record(Type.String(), Type.String(), {
  description: 'Each check\'s result: "ok" or "error: <reason>".',
  example: { database: "ok" },
});

const Ready = Type.Object({ status: Type.Literal("ok"), checks: CheckResults });

const NotReady = Type.Object({
  detail: Type.String(),
  code: Type.Literal("service_unavailable"),
  checks: CheckResults,
});

/**
 * The reason shown to anonymous callers: one line, no credentials of a connection URL
 * (`postgres://user:password@host`), bounded in length. The full error goes to the log.
 */
function publicReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message
    .replace(/\/\/[^\s/@]*@/g, "//[Redacted]@")
    .replace(/\s+/g, " ")
    .trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line || "check failed";
}

async function runCheck(
  { name, check }: ReadinessCheck,
  timeoutMs: number,
  log: FastifyBaseLogger,
): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return "ok";
  } catch (error) {
    log.warn({ err: error, check: name }, "readiness check failed");
    return `error: ${publicReason(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz`: the process answers (liveness). `/readyz`: its dependencies answer too (readiness). */
export const health: FastifyPluginAsync<HealthOptions> = async (app, options) => {
  const { readinessChecks, readinessTimeoutMs = DEFAULT_READINESS_TIMEOUT_MS } = options;
  const tags = ["operations"];

  const healthzSchema = {
    operationId: "checkLiveness",
    tags,
    summary: "Liveness: the process is up",
    response: { 200: Alive },
  };
  for (const route of slashVariants("/healthz", healthzSchema)) {
    app.get(route.url, { schema: route.schema }, async () => ({ status: "ok" as const }));
  }

  const readyzSchema = {
    operationId: "checkReadiness",
    tags,
    summary: "Readiness: the process and the services it depends on answer",
    description: `Each check is bounded by ${readinessTimeoutMs} ms.`,
    response: { 200: Ready, 503: NotReady },
  };
  for (const route of slashVariants("/readyz", readyzSchema)) {
    app.get(route.url, { schema: route.schema }, async (request, reply) => {
      const results = await Promise.all(
        readinessChecks.map(async (check) => [
          check.name,
          await runCheck(check, readinessTimeoutMs, request.log),
        ]),
      );
      const checks: Record<string, string> = Object.fromEntries(results);
      const failed = results.filter(([, result]) => result !== "ok").map(([name]) => name);
      if (failed.length === 0) return { status: "ok" as const, checks };
      return reply.code(503).send({
        detail: `${ERROR_CODES.service_unavailable.detail} Failing: ${failed.join(", ")}.`,
        code: "service_unavailable" as const,
        checks,
      });
    });
  }
};
