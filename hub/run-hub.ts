import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import { exitOnStartupFailure, stopOnSignals } from "../shared/cli/daemon.ts";
import { notifyReady } from "../shared/systemd/notify-ready.ts";
import { parseEntryArgs } from "../shared/cli/entry-args.ts";
import { listen } from "../shared/http/serve.ts";
import { createLogger } from "../shared/log/logger.ts";
import { startTracing } from "../shared/telemetry/start-tracing.ts";
import { vigilVersion } from "../shared/runtime.ts";
import { createHubApp } from "./app.ts";
import { loadHubConfig } from "./config/load.ts";
import { NotifyService } from "./notify/notify-service.ts";
import { startPullMode } from "./pull/start-pull.ts";
import { createHubActions } from "./actions/register.ts";
import { createFailover } from "./failover/register.ts";
import { createRegistryServices } from "./registry/services.ts";
import { HostStatusWatcher } from "./registry/status-watcher.ts";
import { startRules } from "./rules/start-rules.ts";
import { createRemediation } from "./remediation/register.ts";
import { SilenceMuter } from "./silences/silence-muter.ts";
import { HubStore } from "./store/hub-store.ts";
import { ScheduledBackup } from "./maintenance/scheduled-backup.ts";
import { storageOptionsFrom } from "./store/storage-config.ts";

const USAGE = `Usage: vigil-hub [--config FILE]
       vigil-hub backup FILE | restore FILE | check [--config FILE]

Receives what Vigil agents push, keeps it in SQLite and answers the HTTP API.
The commands back up, restore or check its database (docs/operations.md; each has --help).

Options:
  -c, --config FILE   YAML config (default: $VIGIL_HUB_CONFIG, else built-in defaults)
  -h, --help          show this help
  -V, --version       show the version

With no config the hub listens on 127.0.0.1:9470 and keeps its database in ./data/hub.sqlite.
See docs/configuration.md for every setting and environment variable.
`;

/** Runs vigil-hub until SIGTERM/SIGINT. Loaded by main.ts once the Node version is known to be right. */
export async function runHub(): Promise<void> {
  try {
    await start();
  } catch (err) {
    exitOnStartupFailure("vigil-hub", "VIGIL_HUB_LISTEN", err);
  }
}

async function start(): Promise<void> {
  const args = parseEntryArgs("vigil-hub", process.argv.slice(2), USAGE);
  const { config, file } = loadHubConfig({ configFile: args.configFile, env: process.env });
  const logger = createLogger({ component: "hub", level: config.log.level });
  const version = vigilVersion();
  // Before anything that makes spans; off (and nothing of OpenTelemetry loaded) without telemetry.endpoint.
  const tracing = await startTracing({
    config: config.telemetry,
    program: "vigil-hub",
    version,
    instanceId: randomUUID(),
    hostName: hostname(),
    logger,
  });
  const dbFile = join(config.dataDir, "hub.sqlite");
  const store = new HubStore(dbFile, storageOptionsFrom(config.storage, config.dedupWindow));

  const notify = new NotifyService({
    db: store.db,
    config,
    configSource: file ?? "(defaults)",
    logger: logger.child({ component: "notify" }),
    muter: new SilenceMuter(store.db),
    // Attempts start with notify.start(), after `services` below exists.
    onAttempt: (row, step) => services.metrics.alerting.notificationAttempt(row.channel, step.kind),
  });
  let pull: ReturnType<typeof startPullMode> | undefined;
  const services = createRegistryServices({
    db: store.db,
    config,
    now: Date.now,
    notificationQueueDepth: () => notify.queueDepth(),
    pullStates: () => pull?.states() ?? [],
    processMetrics: true,
  });
  const actions = createHubActions({ db: store.db, config, services, logger, now: Date.now });
  // Failover groups: checks start once the hub listens; switches notify and request actions.
  const failover = createFailover({ db: store.db, config, services, latest: store, sink: notify.notifier, actions, logger, now: Date.now });
  // Alert rules: evaluated as each batch is stored (pushed or pulled), and on a timer for absence.
  const { registry } = services;
  // Automatic remediation: told of each firing, asks for whitelisted actions as rule:<name> (docs/remediation.md).
  const remediation = createRemediation({
    db: store.db,
    config,
    runner: actions,
    sink: notify.notifier,
    muter: new SilenceMuter(store.db),
    logger,
  });
  const rules = startRules({
    db: store.db,
    config,
    hosts: (now) => registry.list(now),
    downAfterMs: (h) => registry.heartbeatInterval(h.id, h.pushIntervalMs) * registry.downAfterMissed,
    sink: notify.notifier,
    muter: new SilenceMuter(store.db),
    logger,
    hook: remediation.service,
    onEvaluated: (trigger, seconds) => services.metrics.alerting.ruleEvaluated(trigger, seconds),
  });
  services.metrics.alerting.watchAlerts(() => rules.engine.alerts.values());
  remediation.service.start(rules.engine.alerts);
  store.onBatchStored(rules.onBatchStored);
  const app = createHubApp({ store, config, logger, version, services, notify, actions, failover });
  remediation.routes(app);
  const server = await listen(app, config.listen.host, config.listen.port);
  // Delivers what a previous run left in the outbox, then whatever is submitted.
  notify.start();
  failover.start();
  pull = startPullMode({ config: config.pull, registry: services.registry, metrics: services.metrics, store, logger, version });
  const watcher = new HostStatusWatcher({
    list: (now) => services.registry.list(now),
    onChange: (t) =>
      logger[t.to === "down" ? "warn" : "info"](`host ${t.to}`, { agentId: t.hostId, lastSeen: new Date(t.lastSeen).toISOString() }),
  });
  watcher.start();
  // Rollups and retention (batch ids past dedupWindow included) in short steps beside ingest; WAL checkpoints off the main thread.
  const storage = store.startBackground(logger);
  // Scheduled backups, when the config has a backup section (docs/operations.md).
  const backups =
    config.backup &&
    new ScheduledBackup({
      config: config.backup,
      databaseFile: dbFile,
      registry: services.metrics.registry,
      sink: notify.notifier,
      logger: logger.child({ component: "backup" }),
    });
  backups?.start();
  logger.info("hub listening", {
    version,
    url: server.url,
    dashboard: config.ui.enabled ? `${server.url}/ui/` : "off (ui.enabled: false)",
    config: file ?? "(defaults)",
    database: dbFile,
    agentAuth: services.credentials.isOpen() ? "none (loopback only)" : "token",
    pullAgents: config.pull.agents.length,
  });
  if (config.auth.agentTokens.length > 0) {
    logger.warn("auth.agentTokens are shared tokens: any holder may send as any agent id; prefer auth.agents or 'vigil hosts add'", {
      count: config.auth.agentTokens.length,
    });
  }

  stopOnSignals(logger, "hub", async () => {
    await storage.stop();
    backups?.stop();
    await failover.stop();
    rules.stop();
    remediation.service.stop();
    watcher.stop();
    await pull?.stop();
    actions.stop(); // ends held long polls, which would keep server.close() waiting
    await server.close();
    await notify.stop();
    store.close();
    // Last, so the spans of stopping are sent too; bounded by telemetry.shutdownTimeout.
    await tracing?.stop();
  });
  // Type=notify units wait for this (a no-op outside systemd): NOTIFY_SOCKET is systemd's protocol, not configuration.
  await notifyReady({ env: process.env, logger, status: `listening on ${server.url}` });
}
