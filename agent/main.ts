#!/usr/bin/env -S node --lite-mode --max-semi-space-size=1
// The flags above are AGENT_NODE_FLAGS (agent/node-flags.ts); keep the two in step.
// Only node: built-ins are loaded before the version check, so an old Node gets a clear message
// instead of a crash inside a dependency that needs a newer one.
import { assertNodeVersion } from "../shared/runtime.ts";

assertNodeVersion("vigil-agent");
if (process.argv[2] === "run-if-active") {
  // A job's gate (docs/failover.md): loads the config and asks the hub, never the daemon's modules.
  const { runIfActive } = await import("./run-if-active/main.ts");
  process.exitCode = await runIfActive(process.argv.slice(3), process.env);
} else {
  // backup and check run and exit here, without loading the daemon.
  await (await import("./maintenance/commands.ts")).exitIfMaintenanceCommand(process.argv.slice(2));
  const { runAgent } = await import("./run-agent.ts");
  await runAgent();
}
