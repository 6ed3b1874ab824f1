import type { Command, CommandTable } from "../command.ts";
import { helpCommand } from "./help.ts";
import { hostCommand } from "./host.ts";
import { hostsCommand } from "./hosts.ts";

/**
 * Every `vigil` command, in the order `vigil --help` lists them. To add one (alerts, action,
 * failover, ...), write commands/<name>.ts exporting a Command and add it here.
 */
export const COMMANDS: CommandTable = new Map<string, Command>([hostsCommand, hostCommand, helpCommand].map((c) => [c.name, c]));
