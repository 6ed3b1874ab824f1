/**
 * node:http and node:https for the agent, loaded with process.getBuiltinModule, never with an ESM
 * `import ... from "node:http"`. Measured on Node 24.21 in lite mode (docs/benchmarks.md): an ESM
 * import of a builtin materialises every export, and `http.WebSocket` is a lazy getter that loads
 * Node's bundled undici (75 internal modules: ~12 MB RSS, 2.4 MB of it heap); getBuiltinModule
 * hands back the CommonJS exports without touching that getter (~2 MB). One such import anywhere in
 * the agent's module graph costs the 10 MB again: test/e2e/agent-footprint.test.ts checks that the
 * running agent never loads undici.
 */
export function nodeHttp(): typeof import("node:http") {
  return process.getBuiltinModule("node:http");
}

/**
 * node:https costs ~6.7 MB more RSS (TLS), so it is loaded on the first https URL, not at start:
 * an agent pushing to a hub over plain HTTP on its LAN, with no https probe, never pays for it.
 */
export function nodeHttps(): typeof import("node:https") {
  return process.getBuiltinModule("node:https");
}
