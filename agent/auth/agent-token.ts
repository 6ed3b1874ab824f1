import type { Secret } from "../../shared/config/secret.ts";
import type { Logger } from "../../shared/log/logger.ts";
import { readTokenFile } from "./token-file.ts";

/**
 * The token the agent starts with: `hub.token` from the config wins, else the file enrollment wrote
 * (`<dataDir>/agent.token`), else none (the agent enrolls if it has `hub.enrollmentToken`).
 */
export function tokenAtStart(o: { configured: Secret | undefined; tokenFile: string; logger: Logger }): Secret | undefined {
  if (o.configured !== undefined) return o.configured;
  const kept = readTokenFile(o.tokenFile);
  if (kept?.looseMode) {
    o.logger.warn("the agent token file can be read by other users; run chmod 600 on it", { file: o.tokenFile });
  }
  return kept?.token;
}
