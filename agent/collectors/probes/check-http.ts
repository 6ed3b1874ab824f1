import type { ProbeConfig } from "./config.ts";
import type { ProbeIo } from "./exec.ts";
import { revealHeaders } from "./http-json.ts";
import { passed, type ProbeResult } from "./probe-result.ts";

type HttpProbe = Extract<ProbeConfig, { kind: "http" }>;

/** One request: the status must be expected (default any 2xx) and the body, if asked, must contain the text. */
export async function checkHttp(probe: HttpProbe, io: ProbeIo, signal: AbortSignal): Promise<ProbeResult> {
  const answer = await io.http(
    { url: probe.url, method: probe.method, headers: revealHeaders(probe.headers), body: probe.body, maxBodyBytes: probe.maxBodyBytes },
    signal,
  );
  const httpStatus = answer.status;
  const expected = probe.expectStatus;
  const statusPasses = expected === undefined ? httpStatus >= 200 && httpStatus <= 299 : expected.includes(httpStatus);
  if (!statusPasses) {
    return {
      status: "bad_status",
      message: `HTTP ${httpStatus}, expected ${expected === undefined ? "2xx" : expected.join(" or ")}`,
      httpStatus,
    };
  }
  if (probe.bodyContains !== undefined && !answer.body.toString("utf8").includes(probe.bodyContains)) {
    const where = answer.truncated ? ` (first ${probe.maxBodyBytes} bytes read)` : "";
    return { status: "body_mismatch", message: `body lacks ${JSON.stringify(probe.bodyContains)}${where}`, httpStatus };
  }
  return passed({ httpStatus });
}
