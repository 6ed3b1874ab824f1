#!/usr/bin/env node
// Only node: built-ins are loaded before the version check, so an old Node gets a clear message
// instead of a crash inside a dependency that needs a newer one.
import { assertNodeVersion } from "../shared/runtime.ts";

assertNodeVersion("vigil-hub");
// backup, restore and check run and exit here, without loading the daemon.
await (await import("./maintenance/commands.ts")).exitIfMaintenanceCommand(process.argv.slice(2));
const { runHub } = await import("./run-hub.ts");
await runHub();
