#!/usr/bin/env node
/**
 * `npm start`: runs a hub and a local agent on this machine, both with embedded SQLite under ./data,
 * and prints the hub's URL. Settings come from the same environment variables the programs read
 * (VIGIL_HUB_LISTEN, VIGIL_AGENT_LISTEN, VIGIL_DATA_DIR, ...); see docs/configuration.md.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AGENT_NODE_FLAGS } from "../agent/node-flags.ts";
import { loadHubConfig } from "../hub/config/load.ts";
import { ConfigError } from "../shared/config/config-error.ts";
import { waitForHttpOk } from "../shared/http/wait-ready.ts";
import { assertNodeVersion } from "../shared/runtime.ts";

const READY_TIMEOUT_MS = 20_000;

async function main(): Promise<void> {
  assertNodeVersion("vigil (local stack)");
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const { config } = loadHubConfig({ configFile: undefined, env: process.env });
  const host = config.listen.host === "0.0.0.0" || config.listen.host === "::" ? "127.0.0.1" : config.listen.host;
  const hubUrl = `http://${host.includes(":") ? `[${host}]` : host}:${config.listen.port}`;

  const hub = start("hub", [join(root, "hub", "main.js")], process.env);
  const agentEnv = { ...process.env, VIGIL_HUB_URL: process.env.VIGIL_HUB_URL ?? hubUrl };
  const children: ChildProcess[] = [hub];
  let stopping = false;
  const stopAll = (code: number) => {
    stopping = true;
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
    setTimeout(() => process.exit(code), 3000).unref();
    Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once("exit", r))))).then(
      () => process.exit(code),
    );
  };
  process.on("SIGINT", () => stopAll(0));
  process.on("SIGTERM", () => stopAll(0));
  hub.once("exit", (code) => {
    if (stopping) return;
    process.stderr.write(`vigil: the hub exited (code ${code}); stopping\n`);
    stopAll(code === 0 ? 1 : (code ?? 1));
  });

  await waitForHttpOk(`${hubUrl}/readyz`, READY_TIMEOUT_MS);
  const agent = start("agent", [...AGENT_NODE_FLAGS, join(root, "agent", "main.js")], agentEnv);
  children.push(agent);
  agent.once("exit", (code) => {
    if (stopping) return;
    process.stderr.write(`vigil: the agent exited (code ${code}); stopping\n`);
    stopAll(code === 0 ? 1 : (code ?? 1));
  });

  process.stderr.write(
    [
      "",
      `  Vigil hub:  ${hubUrl}`,
      `  Hosts:      curl ${hubUrl}/api/v1/hosts     (or: npx vigil hosts)`,
      "  A local agent is collecting and pushing; the host appears within one push interval.",
      "  Data: SQLite under ./data (hub.sqlite, agent.sqlite). Ctrl-C stops both.",
      "",
      "",
    ].join("\n"),
  );
}

function start(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, {
    env, // The IPC channel is a lifeline: the children stop when it closes, even if this process is killed.
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  child.on("error", (err) => process.stderr.write(`vigil: cannot start the ${name}: ${err.message}\n`));
  return child;
}

main().catch((err: unknown) => {
  process.stderr.write(`vigil: ${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
