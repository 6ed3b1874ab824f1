import type { MemberConfig } from "../config.ts";
import { FreshnessCheck, type HostReadings } from "./freshness-check.ts";
import type { CheckContext, CheckResult, HealthCheck } from "./health-check.ts";
import { HttpCheck } from "./http-check.ts";
import { OllamaCheck } from "./ollama-check.ts";
import { OpenAiCheck } from "./openai-check.ts";

export interface CheckDeps {
  readings: HostReadings;
  /** Ends background work of checks (an Ollama generation) when the hub stops. */
  lifetime: AbortSignal;
}

/** The member's checks as one: it passes when every check passes, and says why each one that failed did. */
export function buildMemberCheck(m: MemberConfig, deps: CheckDeps): HealthCheck {
  const checks = m.checks.map((c): HealthCheck => {
    const url = ("url" in c ? c.url : undefined) ?? m.url ?? "";
    switch (c.kind) {
      case "ollama":
        return new OllamaCheck({ url, headers: m.headers, generate: c.generate, lifetime: deps.lifetime });
      case "openai":
        return new OpenAiCheck({ url, headers: m.headers, model: c.model });
      case "http":
        return new HttpCheck({ url, method: c.method, headers: m.headers, expectStatus: c.expectStatus });
      case "freshness":
        return new FreshnessCheck({ probe: c.probe, hostId: c.host ?? m.host, maxAgeMs: c.maxAge, readings: deps.readings });
    }
  });
  const only = checks[0];
  if (checks.length === 1 && only !== undefined) return only;
  return { run: (ctx) => allOf(checks, ctx) };
}

async function allOf(checks: readonly HealthCheck[], ctx: CheckContext): Promise<CheckResult> {
  const results = await Promise.all(checks.map((c) => c.run(ctx)));
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) return { ok: false, detail: failed.map((r) => r.detail).join("; ") };
  return { ok: true, detail: results.map((r) => r.detail).join("; ") };
}
