import { actionsAudit } from "./actions-audit.ts";
import { alerts } from "./alerts.ts";
import { failoverGroups } from "./failover-groups.ts";
import { fleetOverview } from "./fleet-overview.ts";
import { hostState } from "./host-state.ts";
import { listActions } from "./list-actions.ts";
import { pendingRequestTool } from "./pending-request.ts";
import { runAction } from "./run-action.ts";
import { seriesHistory } from "./series-history.ts";
import type { AnyToolSpec } from "./tool-kit.ts";

/** Every tool of the MCP server, in the order tools/list shows them. Adding one is a file and a line here. */
export const TOOLS: readonly AnyToolSpec[] = [
  fleetOverview,
  hostState,
  seriesHistory,
  alerts,
  failoverGroups,
  actionsAudit,
  listActions,
  runAction,
  pendingRequestTool,
];
