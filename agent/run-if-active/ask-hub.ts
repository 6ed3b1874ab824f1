import { errorBody } from "../../shared/api/error-body.ts";
import type { Secret } from "../../shared/config/secret.ts";
import { httpGet } from "../actions/http-get.ts";
import type { HubOutcome } from "./decide.ts";
import { leaseAnswer } from "./lease-answer.ts";

export interface AskHubOptions {
  hubUrl: string;
  token: Secret | undefined;
  agentId: string;
  group: string;
  member: string | undefined;
  timeoutMs: number;
  now?: () => number;
}

/**
 * GET /api/v1/failover/:group/lease with the agent's token, over node:http (the agent runs in V8 lite
 * mode, without the WebAssembly undici needs). No answer and 5xx are "unreachable" (the policy
 * decides); 4xx and unreadable answers are "refused" (a configuration problem: nobody runs).
 */
export async function askHub(o: AskHubOptions): Promise<HubOutcome> {
  const base = new URL(o.hubUrl);
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  const url = new URL(`api/v1/failover/${encodeURIComponent(o.group)}/lease`, base);
  url.searchParams.set("agent", o.agentId);
  if (o.member !== undefined) url.searchParams.set("member", o.member);
  const headers: Record<string, string> = { accept: "application/json" };
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token.reveal()}`;
  const askedAt = (o.now ?? Date.now)();
  let res: Awaited<ReturnType<typeof httpGet>>;
  try {
    res = await httpGet(url, headers, { timeoutMs: o.timeoutMs, signal: new AbortController().signal, maxBytes: 64 * 1024 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { kind: "unreachable", reason: `${url.origin}: ${e.code ?? e.message}` };
  }
  const where = `the hub at ${url.origin}`;
  if (res.status >= 500) return { kind: "unreachable", reason: `${where} answered ${res.status}${errorText(res.body)}` };
  if (res.status !== 200) return { kind: "refused", reason: `${where} refused: ${res.status}${errorText(res.body)}` };
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    return { kind: "refused", reason: `${where} answered something that is not JSON` };
  }
  const parsed = leaseAnswer.safeParse(json);
  if (!parsed.success)
    return { kind: "refused", reason: `${where} answered a lease this agent cannot read: is it the same Vigil version?` };
  return { kind: "answer", answer: parsed.data, askedAt };
}

function errorText(body: string): string {
  try {
    const e = errorBody.safeParse(JSON.parse(body));
    return e.success ? ` ${e.data.error.code}: ${e.data.error.message}` : "";
  } catch {
    return "";
  }
}
