/**
 * Node flags the agent runs with, to stay within its memory target (60 MB RSS; a bare Node 24 is
 * ~43 MB). Measured on Node 24.21 (docs/benchmarks.md): V8's lite mode (no optimizing compiler, lazier
 * feedback) saves ~18 MB and a 1 MB young-generation semi-space ~6 MB more, for a little CPU that an
 * agent doing 1-2 ms of work per 10 s cycle does not miss. They must be given on the command line
 * (v8.setFlagsFromString at run time has no effect on these), so every way of starting the agent
 * passes them: the launcher and the bench use this list, and agent/main.ts's shebang repeats it.
 */
export const AGENT_NODE_FLAGS: readonly string[] = ["--lite-mode", "--max-semi-space-size=1"];
