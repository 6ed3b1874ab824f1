import type { Command, CommandTable } from "../command.ts";
import { actionCommand } from "./action.ts";
import { alertsCommand } from "./alerts.ts";
import { failoverCommand } from "./failover.ts";
import { helpCommand } from "./help.ts";
import { hostCommand } from "./host.ts";
import { hostsCommand } from "./hosts.ts";
import { mcpCommand } from "./mcp.ts";
import { notificationsCommand } from "./notifications.ts";
import { remediationCommand } from "./remediation.ts";
import { silenceCommand } from "./silence.ts";
import { testNotifyCommand } from "./test-notify.ts";

/**
 * Every `vigil` command, in the order `vigil --help` lists them. To add one (alerts, action,
 * failover, ...), write commands/<name>.ts exporting a Command and add it here.
 */
export const COMMANDS: CommandTable = new Map<string, Command>(
  [
    hostsCommand,
    hostCommand,
    alertsCommand,
    silenceCommand,
    notificationsCommand,
    testNotifyCommand,
    actionCommand,
    remediationCommand,
    failoverCommand,
    mcpCommand,
    helpCommand,
  ].map((c) => [c.name, c]),
);
