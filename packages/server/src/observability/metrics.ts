import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The figures of the similarity index's resident users, read at each scrape. */
export interface ResidentIndexReadings {
  vectors(): number;
  users(): number;
  bytes(): number;
}

/**
 * prom-client's `nodejs_active_{handles,requests,resources}_total` are gauges named like counters, which
 * `promtool check metrics` rejects; they are the sums of the labelled `nodejs_active_*` gauges that stay.
 */
const MISNAMED_DEFAULT_METRICS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];

let runtimeRegistry: Registry | undefined;

/**
 * Process and Node.js runtime metrics, collected once per process: they describe the process, which every app in
 * it shares, and each collection installs event-loop and GC observers that are never removed. A registry of our
 * own rather than prom-client's global one, so a host app's own default metrics cannot clash with ours.
 */
function runtimeMetrics(): Registry {
  if (!runtimeRegistry) {
    runtimeRegistry = new Registry();
    collectDefaultMetrics({ register: runtimeRegistry });
    for (const name of MISNAMED_DEFAULT_METRICS) runtimeRegistry.removeSingleMetric(name);
  }
  return runtimeRegistry;
}

/**
 * The service's Prometheus metrics, one instance per app: each app has its own registry, so that two apps in one
 * process (tests, a host mounting the plugin twice) never count into each other's series.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration, by route template (not raw path).",
    labelNames: ["method", "route", "status_code"] as const,
    registers: [this.registry],
  });

  readonly promptsCreated = new Counter({
    name: "prompts_created_total",
    help: "Prompts answered and stored.",
    registers: [this.registry],
  });

  readonly promptsExpired = new Counter({
    name: "prompts_expired_total",
    help: "Prompts deleted because they were older than PROMPT_RETENTION.",
    registers: [this.registry],
  });

  readonly answersReused = new Counter({
    name: "answers_reused_total",
    help: "Prompts answered with the same user's earlier answer instead of the model: each one a model call saved.",
    registers: [this.registry],
  });

  readonly llmRequestDuration = new Histogram({
    name: "llm_request_duration_seconds",
    help: "Language model calls, retries included, by provider and outcome.",
    labelNames: ["provider", "outcome"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60],
    registers: [this.registry],
  });

  readonly llmTokens = new Counter({
    name: "llm_tokens_total",
    help:
      "Tokens the language model's answers cost, by kind (prompt, completion) and model: the provider's counts, or " +
      "estimated with a tokenizer when it reports none. Reused answers cost none.",
    labelNames: ["kind", "model"] as const,
    registers: [this.registry],
  });

  readonly embeddingDuration = new Histogram({
    name: "embedding_duration_seconds",
    help: "Time to embed a search query, queueing included.",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly embeddingQueueLength = new Gauge({
    name: "embedding_queue_length",
    help: "Texts waiting for the embedding model's worker threads.",
    registers: [this.registry],
  });

  readonly embeddingRejections = new Counter({
    name: "embedding_rejections_total",
    help: "Searches refused with 503 because the embedding queue was full.",
    registers: [this.registry],
  });

  readonly similaritySearchDuration = new Histogram({
    name: "similarity_search_duration_seconds",
    help: "Time to search the vector index.",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly websocketConnections = new Gauge({
    name: "websocket_connections",
    help: "Open WebSocket connections.",
    registers: [this.registry],
  });

  readonly websocketEventsSent = new Counter({
    name: "websocket_events_sent_total",
    help: "Events written to WebSocket connections.",
    registers: [this.registry],
  });

  readonly throttledRequests = new Counter({
    name: "throttled_requests_total",
    help: "Requests refused with 429, by route template.",
    labelNames: ["route"] as const,
    registers: [this.registry],
  });

  readonly rateLimitStoreErrors = new Counter({
    name: "ratelimit_store_errors_total",
    help: "Rate-limit store operations that failed.",
    registers: [this.registry],
  });

  readonly embeddingsStored = new Counter({
    name: "embeddings_stored_total",
    help: "Prompt vectors this instance computed and stored (a prompt is searchable by meaning from then on).",
    registers: [this.registry],
  });

  readonly indexLoads = new Counter({
    name: "index_loads_total",
    help: "Users whose similarity index was loaded from the database (at their first search after a start or eviction).",
    registers: [this.registry],
  });

  readonly indexEvictions = new Counter({
    name: "index_evictions_total",
    help: "Users whose similarity index was dropped from memory to stay within INDEX_MEMORY_BUDGET.",
    registers: [this.registry],
  });

  readonly indexLoadDuration = new Histogram({
    name: "index_load_duration_seconds",
    help: "Time to load one user's similarity index from the database.",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  #residentIndex: ResidentIndexReadings | undefined;

  constructor() {
    // Read when scraped rather than set on every change: the index knows its figures, nobody has to keep them in step.
    const gauges: Array<[name: string, help: string, reading: keyof ResidentIndexReadings]> = [
      ["vector_index_size", "Vectors in the similarity index of the users resident in memory.", "vectors"],
      ["index_resident_users", "Users whose similarity index is held in memory.", "users"],
      [
        "index_resident_bytes",
        "Estimated memory of the resident users' similarity indexes, in bytes.",
        "bytes",
      ],
    ];
    const read = (reading: keyof ResidentIndexReadings) => this.#residentIndex?.[reading]();
    for (const [name, help, reading] of gauges) {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const value = read(reading);
          if (value !== undefined) this.set(value);
        },
      });
    }
  }

  /** Where the resident-index gauges read their figures at each scrape. */
  observeResidentIndex(readings: ResidentIndexReadings): void {
    this.#residentIndex = readings;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition: this app's metrics and the process's. */
  async exposition(): Promise<string> {
    return Registry.merge([runtimeMetrics(), this.registry]).metrics();
  }
}
