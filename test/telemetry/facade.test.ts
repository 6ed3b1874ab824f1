import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../shared/log/logger.ts";
import { telemetryConfigSchema } from "../../shared/telemetry/config.ts";
import { startTracing } from "../../shared/telemetry/start-tracing.ts";
import { annotateSpan, currentTraceparent, failSpan, tracingEnabled, withSpan } from "../../shared/telemetry/tracer.ts";
import { DIST } from "../support/processes.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();

/**
 * Runs a script in a fresh Node with the built tracing modules, and returns every ES module it
 * resolved (the same probe as test/e2e/agent-footprint.test.ts) with what it printed.
 */
async function modulesOf(endpoint: string | undefined): Promise<{ modules: string[]; printed: string }> {
  const dir = tempDir();
  const listFile = join(dir, "modules.txt");
  const preload = join(dir, "preload.mjs");
  writeFileSync(
    preload,
    [
      'import { writeFileSync } from "node:fs";',
      'import { registerHooks } from "node:module";',
      "const urls = [];",
      "registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); urls.push(r.url); return r; } });",
      `process.on("exit", () => writeFileSync(${JSON.stringify(listFile)}, urls.join("\\n")));`,
    ].join("\n"),
  );
  const script = join(dir, "run.mjs");
  const url = (p: string) => JSON.stringify(pathToFileURL(join(DIST, p)).href);
  writeFileSync(
    script,
    [
      `import { startTracing } from ${url("shared/telemetry/start-tracing.js")};`,
      `import { withSpan, currentTraceparent } from ${url("shared/telemetry/tracer.js")};`,
      `import { createLogger } from ${url("shared/log/logger.js")};`,
      `import { telemetryConfigSchema } from ${url("shared/telemetry/config.js")};`,
      `const config = telemetryConfigSchema.parse(${JSON.stringify(endpoint === undefined ? {} : { endpoint })});`,
      'const logger = createLogger({ component: "t", write: () => {} });',
      'const tracing = await startTracing({ config, program: "vigil-agent", version: "0", instanceId: "i", hostName: "h", logger });',
      'const inSpan = withSpan("ingest batch", {}, () => currentTraceparent() ?? "none");',
      "console.log(JSON.stringify({ started: tracing !== undefined, inSpan }));",
      "await tracing?.stop();",
    ].join("\n"),
  );
  const printed = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ["--import", preload, script], { timeout: 20_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
  return { modules: readFileSync(listFile, "utf8").split("\n"), printed };
}

const telemetryModules = (modules: string[]) => modules.filter((m) => /\/node_modules\/(@opentelemetry|@grpc)\//.test(m));

describe("the tracing facade", () => {
  it("off: runs the work directly, passing on its value and its errors, and every other call does nothing", async () => {
    expect(tracingEnabled()).toBe(false);
    let calls = 0;
    const value = withSpan("ingest batch", { "vigil.agent.id": "gpu-box" }, (span) => {
      calls++;
      span.set({ x: 1 });
      span.fail("X");
      return 41 + calls;
    });
    expect(value).toBe(42);
    const err = new Error("refused");
    await expect(withSpan("request action", {}, () => Promise.reject(err))).rejects.toBe(err);
    expect(() =>
      withSpan("check failover group", {}, () => {
        throw err;
      }),
    ).toThrow(err);
    annotateSpan({ a: 1 });
    failSpan("X");
    expect(currentTraceparent()).toBeUndefined();
    const lines: string[] = [];
    const logger = createLogger({ component: "t", write: (l) => void lines.push(l) });
    const config = telemetryConfigSchema.parse({});
    expect(await startTracing({ config, program: "vigil-hub", version: "0", instanceId: "i", hostName: "h", logger })).toBeUndefined();
    expect(lines).toEqual([]);
  });

  it("off: nothing of OpenTelemetry or gRPC is loaded; on: they are (so the probe sees them)", async () => {
    const off = await modulesOf(undefined);
    expect(JSON.parse(off.printed)).toEqual({ started: false, inSpan: "none" });
    expect(off.modules.some((m) => m.endsWith("/shared/telemetry/start-tracing.js"))).toBe(true);
    expect(telemetryModules(off.modules)).toEqual([]);
    expect(off.modules.some((m) => m.endsWith("/shared/telemetry/otel-backend.js"))).toBe(false);

    // A closed port: nothing needs to answer for the modules to load and a span to get a traceparent.
    const on = await modulesOf("http://127.0.0.1:9");
    expect(JSON.parse(on.printed)).toMatchObject({ started: true, inSpan: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) });
    expect(on.modules.some((m) => m.includes("/node_modules/@opentelemetry/sdk-trace/"))).toBe(true);
    expect(on.modules.some((m) => m.includes("/node_modules/@grpc/grpc-js/"))).toBe(true);
  });
});
