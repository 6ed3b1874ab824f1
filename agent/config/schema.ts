import { z } from "zod";
import { duration, listenAddress, logLevel, secret } from "../../shared/config/schema-helpers.ts";
import { agentId, labels } from "../../shared/protocol/primitives.ts";
import { storeConfigSchema } from "../store/store-config.ts";
import { containersCollectorSchema } from "../collectors/containers/config.ts";
import { gpuCollectorSchema } from "../collectors/gpu/config.ts";
import { probesCollectorSchema } from "../collectors/probes/config.ts";
import { unitsCollectorSchema } from "../collectors/units/config.ts";
import { zfsCollectorSchema } from "../collectors/zfs/config.ts";
import { actionsConfigSchema } from "../actions/config.ts";
import { telemetryConfigSchema } from "../../shared/telemetry/config.ts";

export const DEFAULT_AGENT_LISTEN = "127.0.0.1:9471";
export const DEFAULT_HUB_URL = "http://127.0.0.1:9470";

const systemCollector = z.strictObject({
  enabled: z.boolean().default(true),
  interval: duration({ min: "1s" }).default(10_000),
  timeout: duration({ min: "100ms" }).default(5_000),
  /** Filesystem types never reported (pseudo and container overlay filesystems). */
  excludeFsTypes: z
    .array(z.string())
    .default([
      "tmpfs",
      "devtmpfs",
      "overlay",
      "squashfs",
      "proc",
      "sysfs",
      "cgroup",
      "cgroup2",
      "nsfs",
      "fuse.lxcfs",
      "autofs",
      "tracefs",
      "debugfs",
    ]),
  /** Mount point prefixes never reported. */
  excludeMountPrefixes: z
    .array(z.string())
    .default(["/proc", "/sys", "/dev", "/run/user", "/var/lib/docker", "/var/lib/containerd", "/snap"]),
});

/** The agent's configuration file (YAML). Every key is optional; unknown keys are errors. */
export const agentConfigSchema = z.strictObject({
  agent: z
    .strictObject({
      /** Stable id shown by the hub; defaults to the hostname at first start, then kept in the database. */
      id: agentId.optional(),
      labels: labels.default({}),
    })
    .prefault({}),
  /** Where the agent keeps agent.sqlite (WAL). */
  dataDir: z.string().min(1).default("./data"),
  /** Address of the agent's own HTTP server (/healthz, /readyz). */
  listen: listenAddress.prefault(DEFAULT_AGENT_LISTEN),
  hub: z
    .strictObject({
      url: z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" }).default(DEFAULT_HUB_URL),
      /** push: the agent sends batches to the hub; pull: the hub fetches them from GET /api/v1/samples. */
      mode: z.enum(["push", "pull"], { error: 'expected "push" or "pull"' }).default("push"),
      /** Bearer token the hub accepts for this agent. */
      token: secret.optional(),
      /** With no token (neither `token` nor a kept token file), enroll with this to get one. */
      enrollmentToken: secret.optional(),
      pushInterval: duration({ min: "1s" }).default(10_000),
      timeout: duration({ min: "100ms" }).default(10_000),
      /** Backoff after a failed push: doubles from `retryInitial` up to `retryMax`, with jitter. */
      retryInitial: duration({ min: "10ms" }).default(1_000),
      retryMax: duration({ min: "100ms" }).default(60_000),
      /** Backlog batches sent per second at most, after an outage (fresh batches go first). */
      drainRate: z.number({ error: "expected a number of batches per second" }).positive().max(10_000).default(20),
    })
    .prefault({}),
  store: storeConfigSchema.prefault({}),
  collectors: z
    .strictObject({
      system: systemCollector.prefault({}),
      probes: probesCollectorSchema.prefault({}),
      units: unitsCollectorSchema.prefault({}),
      gpu: gpuCollectorSchema.prefault({}),
      zfs: zfsCollectorSchema.prefault({}),
      containers: containersCollectorSchema.prefault({}),
    })
    .prefault({}),
  /** Whitelisted actions the hub may ask for (docs/actions.md). */
  actions: actionsConfigSchema.prefault({}),
  log: z.strictObject({ level: logLevel.default("info") }).prefault({}),
  /** OpenTelemetry traces over OTLP/gRPC; off without an endpoint (docs/telemetry.md). */
  telemetry: telemetryConfigSchema,
});

export type AgentConfigInput = z.input<typeof agentConfigSchema>;
