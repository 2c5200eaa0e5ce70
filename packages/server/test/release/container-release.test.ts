/**
 * The container deployment, checked without a Docker engine: the Dockerfile's shape (parsed from its text), its
 * build context (.dockerignore), its health check (run against a real server), and the compose files as Debian's
 * docker-compose reads them (`docker-compose config`), with the Prometheus and nginx configuration they mount.
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { SETTINGS } from "@prompt-service/server";
import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CommandResult, describeResult, repoRoot, run } from "./release-helpers.js";

const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");
const rootManifest = JSON.parse(read("package.json")) as { workspaces: string[]; scripts: { start: string } };

// ---- Dockerfile ----

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions with their continuation lines joined and comments dropped, grouped by stage. */
function parseDockerfile(text: string): Stage[] {
  const lines = text.split("\n").filter((line) => !/^\s*#/.test(line));
  const joined = lines.join("\n").replace(/\\\n/g, " ");
  const stages: Stage[] = [];
  for (const line of joined.split("\n")) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const keyword = (match[1] as string).toUpperCase();
    const args = (match[2] as string).replace(/\s+/g, " ").trim();
    if (keyword === "FROM") {
      const [, image, name] = /^(?:--platform=\S+ )?(\S+)(?: AS (\S+))?$/i.exec(args) ?? [];
      stages.push({ image: image ?? "", name, instructions: [] });
    } else if (keyword !== "ARG" || stages.length > 0) {
      stages.at(-1)?.instructions.push({ keyword, args });
    }
  }
  return stages;
}

const dockerfile = parseDockerfile(read("Dockerfile"));
const runtime = dockerfile.at(-1) as Stage;
const all = (stage: Stage, keyword: string) =>
  stage.instructions
    .filter((instruction) => instruction.keyword === keyword)
    .map((instruction) => instruction.args);

describe("Dockerfile", () => {
  it("has several stages, all on node:24-slim (Node 24 LTS), each named", () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile) {
      expect(stage.image).toBe("node:24-slim");
      expect(stage.name).toMatch(/^[a-z][\w-]*$/);
    }
  });

  it("runs the final stage as a non-root user", () => {
    const users = all(runtime, "USER");
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:.*)?$/);
    // Nothing runs as root after the switch (RUN after USER would be the user's, but keep the order plain).
    const lastUser = runtime.instructions.findLastIndex((instruction) => instruction.keyword === "USER");
    expect(runtime.instructions.slice(lastUser).map((instruction) => instruction.keyword)).not.toContain(
      "RUN",
    );
  });

  it("starts `npm start`'s entry file with node, listening on every interface", () => {
    const entry = /node (\S+\.js)/.exec(rootManifest.scripts.start)?.[1];
    expect(entry).toBe("packages/server/dist/standalone.js");
    const commands = all(runtime, "CMD");
    expect(commands).toHaveLength(1);
    expect(JSON.parse(commands[0] as string)).toEqual(["node", entry]);
    expect(all(runtime, "ENTRYPOINT")).toEqual([]);
    const env = all(runtime, "ENV").join(" ");
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toMatch(/\bPORT=8000\b/);
    expect(all(runtime, "EXPOSE")).toEqual(["8000"]);
  });

  it("builds the server in a build stage and gives the runtime only production dependencies", () => {
    const build = dockerfile.find((stage) =>
      all(stage, "RUN").some((args) => /npm run build(:js)? /.test(args)),
    );
    expect(build, "a stage that runs the server's build").toBeDefined();
    expect(all(build as Stage, "RUN").join("\n")).toMatch(/npm run build(:js)? -w @prompt-service\/server/);
    const copies = all(runtime, "COPY");
    expect(copies).toContain(`--from=${build?.name} /app/packages/server/dist packages/server/dist`);
    // node_modules come from a stage whose install leaves out dev dependencies.
    const modules = copies.filter((args) => /node_modules/.test(args));
    expect(modules.length).toBeGreaterThan(0);
    for (const args of modules) {
      const from = /--from=(\S+)/.exec(args)?.[1];
      const stage = dockerfile.find((candidate) => candidate.name === from);
      expect(stage, `node_modules copied from ${from}`).toBeDefined();
      const installs = all(stage as Stage, "RUN").filter((command) => /npm (ci|install)\b/.test(command));
      expect(installs.length).toBeGreaterThan(0);
      for (const install of installs) expect(install).toMatch(/--omit=dev/);
    }
    // No install, compiler or sources in the runtime stage itself.
    expect(all(runtime, "RUN").join("\n")).not.toMatch(/npm (ci|install)\b/);
    expect(copies.filter((args) => !args.startsWith("--from="))).toEqual([
      "packages/server/package.json packages/server/",
    ]);
  });

  it("copies every workspace's manifest before each `npm ci` (npm ci needs them all)", () => {
    for (const stage of dockerfile) {
      const runs = all(stage, "RUN");
      if (!runs.some((command) => /npm ci\b/.test(command))) continue;
      const copied = all(stage, "COPY").join("\n");
      for (const workspace of rootManifest.workspaces) {
        expect(copied, `stage ${stage.name} copies ${workspace}/package.json`).toContain(
          `${workspace}/package.json ${workspace}/`,
        );
      }
      expect(copied).toMatch(/^package\.json package-lock\.json \.npmrc \.\/$/m);
      for (const command of runs.filter((args) => /npm ci\b/.test(args))) {
        // Only npm 11's later releases read package.json's allowScripts: scripts stay off whatever the image's npm.
        expect(command).toMatch(/--ignore-scripts/);
      }
    }
  });

  describe("HEALTHCHECK", () => {
    const healthcheck = all(runtime, "HEALTHCHECK");
    const command = JSON.parse(/CMD (\[.*\])$/.exec(healthcheck[0] ?? "")?.[1] ?? "null") as string[] | null;
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
    });
    afterAll(() => server.close());

    it("probes /healthz with a command the slim image has", () => {
      expect(healthcheck).toHaveLength(1);
      expect(command?.[0]).toBe("node");
      expect(command?.join(" ")).toContain("/healthz");
    });

    it("passes against a running server and fails when nothing listens", async () => {
      const [node, ...args] = command as string[];
      expect(node).toBe("node");
      const port = new URL(server.url).port;
      const up = await run(process.execPath, args, {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, PORT: port },
      });
      expect(up.code, describeResult(up)).toBe(0);
      const down = await run(process.execPath, args, {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, PORT: "9" },
      });
      expect(down.code).toBe(1);
    });
  });
});

// ---- .dockerignore ----

/** Docker's rule: the last pattern that matches a path or one of its parents decides; `!` includes again. */
function dockerignore(text: string): (path: string) => boolean {
  const patterns = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const negated = line.startsWith("!");
      const glob = (negated ? line.slice(1) : line).replace(/^\/+|\/+$/g, "");
      const source = glob
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) =>
          part === "**/" || part === "**"
            ? ".*"
            : part === "*"
              ? "[^/]*"
              : part === "?"
                ? "[^/]"
                : part.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
        )
        .join("");
      return { negated, regex: new RegExp(`^${source}$`) };
    });
  return (path: string) => {
    const parts = path.split("/");
    const candidates = parts.map((_, index) => parts.slice(0, index + 1).join("/"));
    let excluded = false;
    for (const { negated, regex } of patterns) {
      if (candidates.some((candidate) => regex.test(candidate))) excluded = !negated;
    }
    return !excluded;
  };
}

function repositoryFiles(dir = repoRoot): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return ["node_modules", ".git"].includes(entry.name) ? [] : repositoryFiles(path);
    return [relative(repoRoot, path)];
  });
}

describe(".dockerignore", () => {
  const included = dockerignore(read(".dockerignore"));
  const context = repositoryFiles().filter(included);

  it("sends what the Dockerfile copies", () => {
    for (const stage of dockerfile) {
      for (const args of all(stage, "COPY").filter((copy) => !copy.startsWith("--from="))) {
        const sources = args.split(" ").slice(0, -1);
        for (const source of sources) {
          const path = source.replace(/^\.\/|\/$/g, "");
          expect(
            context.some((file) => file === path || file.startsWith(`${path}/`)),
            `COPY ${source}: not in the build context`,
          ).toBe(true);
        }
      }
    }
    for (const file of [
      "packages/server/src/standalone.ts",
      "packages/server/src/index.ts",
      "packages/server/tsup.config.ts",
      "tsconfig.base.json",
    ]) {
      expect(context).toContain(file);
    }
  });

  it("leaves out dependencies, builds, tests, git, local data and secrets", () => {
    for (const path of [
      "node_modules/fastify/package.json",
      "packages/server/node_modules/x/package.json",
      "packages/server/dist/standalone.js",
      "packages/server/test/standalone.test.ts",
      ".git/HEAD",
      ".prompt-service/jwt-secret",
      ".env",
      "packages/server/.env",
    ]) {
      expect(included(path), path).toBe(false);
    }
    expect(context.filter((file) => /(^|\/)(test|dist|node_modules)\//.test(file))).toEqual([]);
  });
});

// ---- docker-compose ----

interface ComposeService {
  build?: { context: string; args?: Record<string, string> };
  networks?: Record<string, { ipv4_address?: string } | null>;
  image?: string;
  ports?: Array<{ published: number | string; target: number }>;
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

interface ComposeConfig {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const JWT_SECRET = "compose-test-secret-0123456789abcdef0123456789";
const HOW_TO_INSTALL =
  "apt-get install -y docker-compose (Debian's docker-compose 1.29 validates compose files offline)";

let envFile: string;
let workDir: string;

async function compose(files: string[], args: string[], env: Record<string, string>): Promise<CommandResult> {
  const found = await run("sh", ["-c", "command -v docker-compose"], { cwd: repoRoot });
  if (found.code !== 0) throw new Error(`docker-compose is not installed: ${HOW_TO_INSTALL}`);
  // --env-file: a developer's .env must not change what the test sees.
  return run("docker-compose", ["--env-file", envFile, ...files.flatMap((file) => ["-f", file]), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: workDir, ...env },
    timeoutMs: 60_000,
  });
}

/** YAML → JSON with the PyYAML that docker-compose itself runs on. */
async function yamlToJson<T>(yaml: string): Promise<T> {
  const path = join(workDir, `doc-${Math.random().toString(36).slice(2)}.yml`);
  await writeFile(path, yaml);
  const converted = await run(
    "python3",
    ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)", path],
    { cwd: workDir },
  );
  if (converted.code !== 0) throw new Error(`python3 -c 'import yaml' failed: ${describeResult(converted)}`);
  return JSON.parse(converted.stdout) as T;
}

async function resolvedConfig(files: string[]): Promise<ComposeConfig> {
  const result = await compose(files, ["config"], { JWT_SECRET });
  expect(result.code, describeResult(result)).toBe(0);
  return yamlToJson<ComposeConfig>(result.stdout);
}

/** The Prometheus configuration file a compose service mounts. */
function mountedFile(service: ComposeService, target: string): string | undefined {
  const volume = service.volumes?.find((spec) => spec.split(":")[1] === target);
  return volume?.split(":")[0];
}

describe("docker-compose files", () => {
  const variables = SETTINGS.map((setting) => setting.env);
  let single: ComposeConfig;
  let replicas: ComposeConfig;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), "prompt-compose-"));
    envFile = join(workDir, "empty.env");
    await writeFile(envFile, "");
    single = await resolvedConfig(["docker-compose.yml"]);
    replicas = await resolvedConfig(["docker-compose.yml", "docker-compose.replicas.yml"]);
  }, 120_000);
  afterAll(() => rm(workDir, { recursive: true, force: true }));

  it("are valid for `docker-compose config -q`, alone and with the replicas override", async () => {
    for (const files of [["docker-compose.yml"], ["docker-compose.yml", "docker-compose.replicas.yml"]]) {
      const result = await compose(files, ["config", "-q"], { JWT_SECRET });
      expect(result.code, describeResult(result)).toBe(0);
    }
  });

  it("take JWT_SECRET from the environment and refuse to start without it", async () => {
    expect(single.services.server?.environment?.JWT_SECRET).toBe(JWT_SECRET);
    const missing = await compose(["docker-compose.yml"], ["config", "-q"], {});
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/JWT_SECRET/);
  });

  it("declare the server behind its balancer, PostgreSQL, Redis and Prometheus, with their ports", () => {
    expect(Object.keys(single.services).sort()).toEqual(["lb", "postgres", "prometheus", "redis", "server"]);
    const ports = (name: string) =>
      (single.services[name]?.ports ?? []).map((port) => `${port.published}:${port.target}`);
    expect(ports("lb")).toEqual(["8000:80"]);
    expect(ports("server")).toEqual([]);
    expect(ports("prometheus")).toEqual(["9090:9090"]);
    // The data stores are reached inside the compose network only.
    expect(ports("postgres")).toEqual([]);
    expect(ports("redis")).toEqual([]);
  });

  it("build the server from this Dockerfile and point it at the stack's PostgreSQL and Redis", () => {
    const { server, postgres } = single.services as Record<string, ComposeService>;
    expect(server?.build?.context).toBe(repoRoot.replace(/\/$/, ""));
    const database = new URL(server?.environment?.DATABASE_URL ?? "");
    expect(database.protocol).toBe("postgres:");
    expect(database.hostname).toBe("postgres");
    expect(database.port).toBe("5432");
    expect(database.username).toBe(postgres?.environment?.POSTGRES_USER);
    expect(database.password).toBe(postgres?.environment?.POSTGRES_PASSWORD);
    expect(database.pathname).toBe(`/${postgres?.environment?.POSTGRES_DB}`);
    expect(server?.environment?.REDIS_URL).toBe("redis://redis:6379");
    expect(server?.depends_on).toEqual({
      postgres: { condition: "service_healthy" },
      redis: { condition: "service_healthy" },
    });
  });

  it("set only variables that the server reads", () => {
    for (const name of ["server", "server-2"]) {
      const environment = replicas.services[name]?.environment ?? {};
      for (const variable of Object.keys(environment))
        expect(variables, `${name}: ${variable}`).toContain(variable);
    }
  });

  it("keep PostgreSQL's data in a volume and check the health of PostgreSQL and Redis", () => {
    const { postgres, redis } = single.services as Record<string, ComposeService>;
    const data = mountedFile(postgres as ComposeService, "/var/lib/postgresql/data");
    expect(Object.keys(single.volumes ?? {})).toContain(data);
    expect(postgres?.healthcheck?.test.join(" ")).toMatch(/pg_isready/);
    expect(redis?.healthcheck?.test.join(" ")).toMatch(/redis-cli.*ping/);
  });

  it("have Prometheus scrape /metrics of every server instance, with configuration valid for promtool", async () => {
    const promtool = await run("sh", ["-c", "command -v promtool"], { cwd: repoRoot });
    if (promtool.code !== 0) {
      throw new Error(
        "promtool is not installed: apt-get install -y prometheus (it checks Prometheus configuration)",
      );
    }
    for (const config of [single, replicas]) {
      const file = mountedFile(
        config.services.prometheus as ComposeService,
        "/etc/prometheus/prometheus.yml",
      );
      expect(file, "Prometheus' configuration comes from the repository").toMatch(
        /\/deploy\/prometheus\/[\w.-]+\.yml$/,
      );
      const checked = await run("promtool", ["check", "config", file as string], { cwd: repoRoot });
      expect(checked.code, describeResult(checked)).toBe(0);
      const prometheus = await yamlToJson<{
        scrape_configs: Array<{ metrics_path?: string; static_configs: Array<{ targets: string[] }> }>;
      }>(readFileSync(file as string, "utf8"));
      const jobs = prometheus.scrape_configs.filter((job) => (job.metrics_path ?? "/metrics") === "/metrics");
      const targets = jobs.flatMap((job) => job.static_configs.flatMap((group) => group.targets)).sort();
      const servers = Object.entries(config.services)
        .filter(([, service]) => service.build !== undefined)
        .map(([name]) => `${name}:8000`)
        .sort();
      expect(targets).toEqual(servers);
    }
  });

  it("publish only the balancer, and have every instance trust X-Forwarded-For from the balancer alone", () => {
    for (const config of [single, replicas]) {
      const instances = Object.entries(config.services).filter(([, service]) => service.build !== undefined);
      expect(instances.length).toBeGreaterThan(0);
      const lb = config.services.lb as ComposeService;
      const [network, address] = Object.entries(lb.networks ?? {}).map(
        ([name, settings]) => [name, settings?.ipv4_address] as const,
      )[0] ?? [undefined, undefined];
      expect(address, "the balancer has a fixed address").toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      for (const [name, service] of instances) {
        expect(service.ports ?? [], `${name} is not published`).toEqual([]);
        expect(Object.keys(service.networks ?? {}), `${name} shares the balancer's network`).toContain(
          network,
        );
        expect(service.environment?.TRUST_PROXY, `${name}'s TRUST_PROXY`).toBe(address);
      }
    }
  });

  it("run a second server on the same PostgreSQL, Redis and secret, behind a load balancer", () => {
    const { server, "server-2": second, lb } = replicas.services as Record<string, ComposeService>;
    expect(second).toBeDefined();
    for (const variable of ["DATABASE_URL", "REDIS_URL", "JWT_SECRET"]) {
      expect(second?.environment?.[variable], variable).toBe(server?.environment?.[variable]);
    }
    expect(second?.image).toBe(server?.image);
    expect(mountedFile(second as ComposeService, "/data")).not.toBe(
      mountedFile(server as ComposeService, "/data"),
    );
    const nginx = mountedFile(lb as ComposeService, "/etc/nginx/conf.d/default.conf");
    expect(nginx).toMatch(/\/deploy\/nginx\/[\w.-]+\.conf$/);
    const conf = readFileSync(nginx as string, "utf8");
    const upstreams = mountedFile(lb as ComposeService, "/etc/nginx/conf.d/upstream.conf");
    const upstream = /upstream (\w+) \{([^}]*)\}/.exec(readFileSync(upstreams as string, "utf8"));
    expect([...(upstream?.[2] ?? "").matchAll(/^\s*server (\S+);/gm)].map((match) => match[1])).toEqual([
      "server:8000",
      "server-2:8000",
    ]);
    expect(conf).toContain(`proxy_pass http://${upstream?.[1]};`);
    // WebSockets need the upgrade headers passed on.
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(conf).toMatch(/proxy_http_version 1\.1;/);
  });
});
