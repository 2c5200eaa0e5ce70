// The import directions of README.md's "Map of the code", checked by `npm run lint` (depcruise).
//
// The server's layers, lowest first: a module of one layer imports only its own layer and the layers below it, so the
// folders of packages/server/src cannot import each other in a circle. Type-only imports count too.
const SERVER = "^packages/server/src/";
const SERVER_LAYERS = [
  "errors.ts",
  "text/",
  "storage/",
  "openai-http/",
  "http/",
  "observability/",
  "llm/",
  "ratelimit/",
  "similarity/",
  "settings/",
  "config.ts",
  "auth/",
  "realtime/",
  "prompts/",
  "usage/",
  "openai-compat/",
  "maintenance/",
  // The composition root: plugin.ts chooses every adapter from the settings; app.ts, run.ts and standalone.ts start it.
  "(plugin|app|run|index|standalone)\\.ts",
];
// The ports and services that plugin.ts hands to the route plugins: a type only, that route modules name.
const SERVICE_CONTEXT = `${SERVER}service-context\\.ts$`;
const layerPath = (layer) => `${SERVER}${layer.replaceAll(".ts", "\\.ts")}${layer.endsWith("/") ? "" : "$"}`;

const serverLayerRules = SERVER_LAYERS.slice(0, -1).map((layer, index) => ({
  name: `server-layer:${layer}`,
  comment: `packages/server/src/${layer} imports only the layers below it (README: Map of the code)`,
  severity: "error",
  from: { path: layerPath(layer) },
  to: { path: SERVER_LAYERS.slice(index + 1).map(layerPath) },
}));

const serviceContextRules = [
  {
    name: "server-service-context-is-a-type",
    comment: "Route modules name ServiceContext as a type; plugin.ts alone builds it.",
    severity: "error",
    from: { path: SERVER, pathNot: layerPath(SERVER_LAYERS.at(-1)) },
    to: { path: SERVICE_CONTEXT, dependencyTypesNot: ["type-only"] },
  },
  {
    name: "server-service-context-names-types-only",
    comment: "service-context.ts only names the types of the ports and services it carries.",
    severity: "error",
    from: { path: SERVICE_CONTEXT },
    to: { dependencyTypesNot: ["type-only"] },
  },
];

/** Other folders reach storage through its face: the port, the index that opens an adapter, and its errors. */
const storageFaceRule = {
  name: "server-storage-through-its-face",
  comment: "Outside storage/, import storage/index.ts, its face, never a module behind it.",
  severity: "error",
  from: { path: SERVER, pathNot: `${SERVER}storage/` },
  to: { path: `${SERVER}storage/`, pathNot: `${SERVER}storage/index\\.ts$` },
};

/** The services below the routes throw errors.ts's errors, which know no HTTP; toApiError alone makes them ApiErrors. */
const servicesThrowNoApiErrorRule = {
  name: "server-services-throw-no-api-error",
  comment:
    "Storage, the providers' adapters, the search, the token budget and token verification never build an ApiError: " +
    "http/error-handler.ts's toApiError gives their errors a status, code and headers in one place.",
  severity: "error",
  from: {
    path: `${SERVER}(storage/|openai-http/|llm/|similarity/|usage/token-budget\\.ts$|auth/(tokens|api-keys/api-key-auth)\\.ts$)`,
  },
  to: { path: `${SERVER}http/api-error\\.ts$` },
};

/** The workspace packages named (a regex alternative), whether reached by a path or by their @prompt-service name. */
const packages = (names) => [`^packages/(${names})/`, `^node_modules/@prompt-service/(${names})`];

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No module imports itself through others, type-only imports included.",
      severity: "error",
      from: { path: "^packages/(protocol|server|sdk|cli)/src/" },
      to: { circular: true },
    },
    ...serverLayerRules,
    ...serviceContextRules,
    storageFaceRule,
    servicesThrowNoApiErrorRule,
    {
      name: "protocol-imports-no-other-package",
      comment:
        "@prompt-service/protocol is the wire contract the others share: it imports none of them (typebox only).",
      severity: "error",
      from: { path: "^packages/protocol/" },
      to: {
        path: ["^packages/(server|sdk|cli|testkit)/", "^node_modules/@prompt-service/"],
      },
    },
    {
      name: "server-imports-no-sdk-or-cli",
      comment:
        "The server (its sources and its tests) never imports the SDK or the CLI: what it shares with them is " +
        "@prompt-service/protocol.",
      severity: "error",
      from: { path: "^packages/server/" },
      to: { path: packages("sdk|cli") },
    },
    {
      name: "sdk-imports-no-server-or-cli",
      comment:
        "The SDK never imports the server or the CLI: what it shares with the server is @prompt-service/protocol.",
      severity: "error",
      from: { path: "^packages/sdk/src/" },
      to: { path: packages("server|cli|testkit") },
    },
    {
      name: "sdk-types-generated-from-protocol",
      comment:
        "The SDK's type generator (packages/sdk/test/api-types) reads @prompt-service/protocol's schemas, never " +
        "the server.",
      severity: "error",
      from: { path: "^packages/sdk/test/api-types/" },
      to: { path: packages("server") },
    },
    {
      name: "cli-imports-sdk-entry-only",
      comment:
        "The CLI imports the SDK through its public entry (@prompt-service/sdk), never its inner modules.",
      severity: "error",
      from: { path: "^packages/cli/src/" },
      to: { path: "^packages/sdk/src/", pathNot: "^packages/sdk/src/index\\.ts$" },
    },
    {
      name: "cli-imports-server-entry-only",
      comment: "The CLI loads the server (for `prompt serve`) through @prompt-service/server only.",
      severity: "error",
      from: { path: "^packages/cli/src/" },
      to: { path: "^packages/server/src/", pathNot: "^packages/server/src/index\\.ts$" },
    },
    {
      name: "sources-import-no-testkit",
      comment: "No package's sources import the testkit.",
      severity: "error",
      from: { path: "^packages/(protocol|server|sdk|cli)/src/" },
      to: { path: "^packages/testkit/" },
    },
    {
      name: "no-relative-import-into-another-package",
      comment:
        "A published package reaches another through its name (@prompt-service/...), never by a relative path into " +
        "its src/. The private testkit runs the server from its sources.",
      severity: "error",
      from: { path: "^packages/(protocol|server|sdk|cli)/" },
      to: {
        path: "^packages/([^/]+)/src/",
        pathNot: "^packages/$1/",
        dependencyTypesNot: ["aliased-tsconfig-paths"],
      },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["/dist/", "node_modules"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".mts", ".js", ".mjs", ".cjs", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
