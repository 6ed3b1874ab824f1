import { hostname } from "node:os";
import { join } from "node:path";
import { exitOnStartupFailure, stopOnSignals } from "../shared/cli/daemon.ts";
import { notifyReady } from "../shared/systemd/notify-ready.ts";
import { parseEntryArgs } from "../shared/cli/entry-args.ts";
import { ConfigError } from "../shared/config/config-error.ts";
import { listen } from "./http/listen.ts";
import { createLogger } from "../shared/log/logger.ts";
import { startTracing } from "../shared/telemetry/start-tracing.ts";
import { vigilVersion } from "../shared/runtime.ts";
import { tokenAtStart } from "./auth/agent-token.ts";
import { AgentCredentials } from "./auth/credentials.ts";
import { EnrollmentRefusedError, enroll } from "./auth/enroll.ts";
import { isLoopback } from "./auth/require-token.ts";
import { writeTokenFile } from "./auth/token-file.ts";
import { createCollectors } from "./collectors/registry.ts";
import type { Observations } from "./collectors/collector.ts";
import { CollectorScheduler } from "./collectors/scheduler.ts";
import { loadAgentConfigInChild } from "./config/load-in-child.ts";
import { resolveIdentity } from "./identity.ts";
import { AgentSelfMetrics } from "./metrics/self-metrics.ts";
import { createAgentApp } from "./server.ts";
import { AgentStore } from "./store/agent-store.ts";
import { RetentionLoop } from "./store/retention-loop.ts";
import { Pusher } from "./transport/pusher.ts";
import { StateChangeWatch } from "./transport/state-change-watch.ts";
import { BatchSealer, SealLoop } from "./transport/sealer.ts";

const USAGE = `Usage: vigil-agent [--config FILE]
       vigil-agent run-if-active <group> -- <command...>   (docs/failover.md)
       vigil-agent backup <file> | check                     (docs/operations.md)

Collects this host's health, keeps it in a local SQLite database and pushes it to the Vigil hub
(or, with hub.mode: pull, serves it to a hub that scrapes it).

Options:
  -c, --config FILE   YAML config (default: $VIGIL_AGENT_CONFIG, else built-in defaults)
  -h, --help          show this help
  -V, --version       show the version

With no config the agent runs every collector whose tool it finds (system, GPU, ZFS, containers, units,
probes) and pushes every 10s to http://127.0.0.1:9470.
See docs/configuration.md for every setting and environment variable.
`;

/** Series not updated for this long (and three of the slowest collector's intervals) leave /metrics. */
const MIN_STALE_AFTER_MS = 5 * 60_000;

/** Runs vigil-agent until SIGTERM/SIGINT. Loaded by main.ts once the Node version is known to be right. */
export async function runAgent(): Promise<void> {
  try {
    await start();
  } catch (err) {
    exitOnStartupFailure("vigil-agent", "VIGIL_AGENT_LISTEN", err);
  }
}

async function start(): Promise<void> {
  const args = parseEntryArgs("vigil-agent", process.argv.slice(2), USAGE);
  // In a short-lived child process, so zod and the config schemas never enter the daemon (load-in-child.ts).
  const { config, file } = await loadAgentConfigInChild({ configFile: args.configFile, env: process.env });
  const source = file ?? "(defaults)";
  const log = createLogger({ component: "agent", level: config.log.level });
  const version = vigilVersion();
  const { hub } = config;

  const tokenFile = join(config.dataDir, "agent.token");
  const token = tokenAtStart({ configured: hub.token, tokenFile, logger: log });
  const mustEnroll = token === undefined && hub.enrollmentToken !== undefined;
  const loopback = isLoopback(config.listen.host);
  if (!loopback && token === undefined && !mustEnroll) {
    throw new ConfigError(source, [
      {
        path: "listen",
        message: `${config.listen.host} is beyond loopback, where every endpoint but /healthz needs the agent's token, and the agent has none: set hub.token or hub.enrollmentToken, or listen on 127.0.0.1`,
      },
    ]);
  }

  const database = join(config.dataDir, "agent.sqlite");
  const store = new AgentStore(database);
  const host = resolveIdentity(store, { configuredId: config.agent.id, labels: config.agent.labels, version });
  const logger = log.child({ agentId: host.agentId });
  if (store.lostWal) {
    logger.warn(
      "the database's write-ahead log is missing after an unclean stop: the newest batches are lost; sequences skip ahead so none is reused",
      {
        database,
      },
    );
  }
  const credentials = new AgentCredentials(token, mustEnroll);
  // Off (and nothing of OpenTelemetry or gRPC loaded) without telemetry.endpoint; the agent's id is its service.instance.id.
  const tracing = await startTracing({
    config: config.telemetry,
    program: "vigil-agent",
    version,
    instanceId: host.agentId,
    hostName: hostname(),
    logger,
  });

  const collectors = createCollectors(config, logger);
  const stateChanges = new StateChangeWatch();
  let nudgePush: (() => void) | undefined;
  const sink = (obs: Observations, at: number) => {
    store.recordObservations(obs, at);
    // A changed state (unit failed, pool degraded) goes to the hub now, not at the end of the push interval.
    if (stateChanges.changed(obs.states)) nudgePush?.();
  };
  // The agent's own metrics (docs/metrics.md), counting from the first cycle.
  const selfMetrics = new AgentSelfMetrics();
  const scheduler = new CollectorScheduler({ collectors, sink, logger, onCycle: (r) => selfMetrics.activity.collectorCycle(r) });
  const sealer = new BatchSealer({ store, host, pushIntervalMs: hub.pushInterval, outboxMaxBytes: config.store.outboxMaxBytes, logger });
  const pusher =
    hub.mode === "push"
      ? new Pusher({
          store,
          sealer,
          target: {
            url: hub.url,
            get token() {
              return credentials.token;
            },
            timeoutMs: hub.timeout,
          },
          pushIntervalMs: hub.pushInterval,
          backoff: { initialMs: hub.retryInitial, maxMs: hub.retryMax },
          drainRatePerSecond: hub.drainRate,
          logger,
          onAttempt: (r, seconds) => selfMetrics.activity.pushAttempt(r, seconds),
        })
      : undefined;
  nudgePush = pusher === undefined ? undefined : () => pusher.nudge();
  const sealLoop = hub.mode === "pull" ? new SealLoop(sealer, hub.pushInterval, logger) : undefined;
  const retention = new RetentionLoop({
    history: store.history,
    policy: { maxAgeMs: config.store.samplesRetention, maxBytes: config.store.samplesMaxBytes },
    logger,
  });
  const server = await listen(
    createAgentApp({
      store,
      scheduler,
      sealer,
      pusher,
      host,
      version,
      mode: hub.mode,
      credentials,
      loopback,
      outboxMaxBytes: config.store.outboxMaxBytes,
      selfMetrics,
      logger,
      staleAfterMs: Math.max(MIN_STALE_AFTER_MS, 3 * Math.max(0, ...collectors.map((c) => c.intervalMs))),
    }),
    config.listen.host,
    config.listen.port,
  );

  // Loaded only when the catalog lists actions, so an agent without them pays nothing (docs/actions.md).
  const actions =
    Object.keys(config.actions.catalog).length > 0
      ? (await import("./actions/start-actions.ts")).startActions({
          config: config.actions,
          db: store.db,
          agentId: host.agentId,
          hubUrl: hub.url,
          token: () => credentials.token,
          backoff: { initialMs: hub.retryInitial, maxMs: hub.retryMax },
          requestTimeoutMs: hub.timeout,
          logger,
          onHandled: (action, listed, status) => selfMetrics.activity.actionHandled(action, listed, status),
        })
      : undefined;
  const enrollment = new AbortController();
  let stopped = false;
  const stop = async () => {
    stopped = true;
    enrollment.abort();
    await actions?.stop();
    retention.stop();
    sealLoop?.stop();
    await scheduler.stop();
    await pusher?.stop();
    // Whatever was collected but not sent is sealed now and sent after the next start.
    sealer.finish();
    await server.close();
    store.close();
    // Last, so the spans of stopping are sent too; bounded by telemetry.shutdownTimeout.
    await tracing?.stop();
  };

  scheduler.start();
  retention.start();
  sealLoop?.start();
  const enrollmentToken = hub.enrollmentToken;
  if (mustEnroll && enrollmentToken !== undefined) {
    // Collection and /healthz run meanwhile; the push starts once the hub has issued the token.
    const enrollAndPush = async () => {
      const issued = await enroll({
        hubUrl: hub.url,
        enrollmentToken,
        agentId: host.agentId,
        hostname: hostname(),
        timeoutMs: hub.timeout,
        backoff: { initialMs: hub.retryInitial, maxMs: hub.retryMax },
        logger,
        signal: enrollment.signal,
      });
      writeTokenFile(tokenFile, issued);
      credentials.enrolled(issued);
      logger.info("enrolled with the hub; the agent token is kept for later starts", { tokenFile });
      pusher?.start();
    };
    enrollAndPush().catch(async (err: unknown) => {
      if (stopped) return;
      await stop().catch(() => {});
      const why = err instanceof EnrollmentRefusedError ? new ConfigError(source, [{ path: err.configPath, message: err.message }]) : err;
      exitOnStartupFailure("vigil-agent", "VIGIL_AGENT_LISTEN", why);
    });
  } else {
    pusher?.start();
  }
  logger.info("agent started", {
    version,
    config: source,
    listen: server.url,
    mode: hub.mode,
    hub: hub.url,
    token: token?.source ?? (mustEnroll ? "enrolling" : "none"),
    pushIntervalMs: hub.pushInterval,
    database,
  });

  stopOnSignals(logger, "agent", stop);
  // Type=notify units wait for this (a no-op outside systemd): NOTIFY_SOCKET is systemd's protocol, not configuration.
  await notifyReady({ env: process.env, logger, status: `listening on ${server.url}` });
}
