#!/usr/bin/env -S node --lite-mode --max-semi-space-size=1
// The flags above are AGENT_NODE_FLAGS (agent/node-flags.ts); keep the two in step.
// Only node: built-ins are loaded before the version check, so an old Node gets a clear message
// instead of a crash inside a dependency that needs a newer one.
import { assertNodeVersion } from "../shared/runtime.ts";

assertNodeVersion("vigil-agent");
const { runAgent } = await import("./run-agent.ts");
await runAgent();
