/**
 * The soak's fixed cast, started before the faults begin: the receivers, the two fake Ollama servers,
 * the hub (ready), the real agent behind its action relay (known to the hub), the failover probe and
 * the hub's usage sampler. Everything started is registered for the final cleanup.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitForHttpOk } from "../../shared/http/wait-ready.ts";
import { freePort } from "../../shared/net/free-port.ts";
import { startFakeOllama, type FakeOllama } from "../failover-fake-ollama.ts";
import { ActionRelay } from "./action-relay.ts";
import { FailoverProbe } from "./failover-probe.ts";
import { FALLBACK, FAILOVER_GROUP, hubConfigYaml, PRIMARY } from "./hub-config.ts";
import { slackStatusAt, type SoakPlan } from "./plan.ts";
import { UsageSampler } from "./proc-usage.ts";
import { REAL_AGENT_ID, realAgentArgs, realAgentYaml, writeRealAgentConfig } from "./real-agent.ts";
import { startSlackReceiver, startSmtpReceiver, startWebhookReceiver } from "./receivers.ts";
import { type ExitRecord, Supervised } from "./supervised.ts";

export interface StackOptions {
  dir: string;
  dist: string;
  plan: SoakPlan;
  /** Milliseconds since the run's start (negative before it): the Slack receiver answers by the plan. */
  elapsed: () => number;
  agentToken: string;
  operatorToken: string;
  limits: { maxBodyBytes: number; maxDecompressedBytes: number };
  exits: ExitRecord[];
  children: Supervised[];
  cleanups: Array<() => Promise<void> | void>;
}

export async function startStack(o: StackOptions) {
  const slack = await startSlackReceiver(() => slackStatusAt(o.plan, o.elapsed()));
  const hook = await startWebhookReceiver();
  const smtp = await startSmtpReceiver(await freePort());
  o.cleanups.push(slack.close, hook.close, smtp.stop);
  let primary: FakeOllama = await startFakeOllama({ name: PRIMARY });
  const fallback = await startFakeOllama({ name: FALLBACK });
  o.cleanups.push(
    () => primary.kill(),
    () => fallback.kill(),
  );

  const port = await freePort();
  const hubUrl = `http://127.0.0.1:${port}`;
  const hubYaml = join(o.dir, "hub.yaml");
  writeFileSync(
    hubYaml,
    hubConfigYaml({
      port,
      dataDir: join(o.dir, "hub"),
      agentToken: o.agentToken,
      operatorToken: o.operatorToken,
      slackUrl: slack.url,
      smtpPort: smtp.port,
      webhookUrl: hook.url,
      primaryUrl: primary.url,
      fallbackUrl: fallback.url,
      limits: o.limits,
    }),
  );
  const hub = new Supervised("hub", [join(o.dist, "hub", "main.js"), "--config", hubYaml], join(o.dir, "hub.log"), o.exits);
  o.children.push(hub);
  hub.start();
  await waitForHttpOk(`${hubUrl}/readyz`, 30_000);

  // The real agent, through the relay that captures and replays its action requests.
  const relay = await ActionRelay.start(hubUrl);
  o.cleanups.push(() => relay.close());
  const { publicKey } = (await (await fetch(`${hubUrl}/api/v1/actions/public-key`)).json()) as { publicKey: string };
  const agentDataDir = join(o.dir, "real-agent");
  const agentYaml = join(o.dir, "agent.yaml");
  const agentPort = await freePort();
  writeRealAgentConfig(
    agentYaml,
    realAgentYaml({
      dataDir: agentDataDir,
      port: agentPort,
      hubUrl: relay.url,
      token: o.agentToken,
      publicKey,
      intervalMs: o.plan.intervalMs,
    }),
  );
  const agent = new Supervised("agent", realAgentArgs(o.dist, agentYaml), join(o.dir, "agent.log"), o.exits);
  o.children.push(agent);
  agent.start();
  const agentKnown = Date.now() + 30_000;
  while (Date.now() < agentKnown) {
    const hosts = (await (await fetch(`${hubUrl}/api/v1/hosts`)).json()) as { hosts: Array<{ id: string }> };
    if (hosts.hosts.some((h) => h.id === REAL_AGENT_ID)) break;
    await new Promise((r) => setTimeout(r, 200));
  }

  const probe = new FailoverProbe(hubUrl, FAILOVER_GROUP);
  probe.start();
  o.cleanups.push(() => probe.stop());
  const sampler = new UsageSampler();
  sampler.start(() => hub.pid);
  o.cleanups.push(() => sampler.stop());

  return {
    slack,
    hook,
    smtp,
    hubUrl,
    hub,
    relay,
    agent,
    agentDataDir,
    probe,
    sampler,
    killPrimary: () => primary.kill(),
    /** Listens again on the primary's port, as a restarted server would. */
    revivePrimary: async () => {
      primary = await startFakeOllama({ name: PRIMARY, port: primary.port });
    },
  };
}
