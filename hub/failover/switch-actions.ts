import type { ActionRecord } from "../../shared/actions/api.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { RunActionBody } from "../actions/hub-actions.ts";
import type { Operator } from "../actions/operator-auth.ts";
import type { ActionRef, MemberConfig } from "./config.ts";

/** HubActions.run, the only part the failover needs: sign and queue one whitelisted action. */
export interface ActionRunner {
  run(op: Operator, body: RunActionBody): Promise<ActionRecord>;
}

/**
 * Asks for the members' onDeactivate and onActivate actions after a switch. They are requests to
 * the agents, signed by the hub and checked against each agent's own catalog; they are queued
 * without waiting for results (the switch is already made and persisted), and each outcome is
 * logged. Order between hosts is not guaranteed: fencing is the epoch's job, not the actions'.
 */
export function requestSwitchActions(
  runner: ActionRunner | undefined,
  o: { group: string; epoch: number; from: MemberConfig | undefined; to: MemberConfig; logger: Logger },
): void {
  const asks: Array<{ ref: ActionRef; member: MemberConfig; what: string }> = [
    ...(o.from?.onDeactivate ?? []).map((ref) => ({ ref, member: o.from as MemberConfig, what: "deactivated" })),
    ...o.to.onActivate.map((ref) => ({ ref, member: o.to, what: "activated" })),
  ];
  if (asks.length === 0) return;
  if (runner === undefined) {
    o.logger.warn("failover actions are configured but this hub has no action service", { group: o.group });
    return;
  }
  const op: Operator = { name: `failover-${o.group}`, role: "operator" };
  for (const { ref, member, what } of asks) {
    const agentId = ref.host ?? member.host;
    const body: RunActionBody = {
      agentId,
      action: ref.action,
      params: ref.params,
      reason: `failover ${o.group}: ${member.name} ${what} (epoch ${o.epoch})`,
      confirm: ref.confirm,
      dryRun: false,
      waitMs: 0,
    };
    const log = { group: o.group, epoch: o.epoch, member: member.name, agentId, action: ref.action };
    runner.run(op, body).then(
      (r) => o.logger.info("failover action requested", { ...log, requestId: r.requestId, status: r.status }),
      (err: unknown) => o.logger.warn("failover action not requested", { ...log, err }),
    );
  }
}
