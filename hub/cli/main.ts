#!/usr/bin/env node
/**
 * `vigil`: the operator's command-line client of the hub's HTTP API. The version check runs
 * before anything else is loaded, so an old Node gets a clear message instead of a crash.
 */
import { assertNodeVersion } from "../../shared/runtime.ts";

assertNodeVersion("vigil");

// `vigil hosts | head -1` closes the pipe early; that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

const { runCli, stdio } = await import("./run.ts");
process.exitCode = await runCli(process.argv.slice(2), { env: process.env, io: stdio });
