import { runCommand } from "../process/run-command.ts";
import type { Logger } from "../log/logger.ts";

const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

export interface NotifyReadyOptions {
  /** The program's environment (process.env); only NOTIFY_SOCKET and PATH are used. */
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** One line for `systemctl status` (STATUS=), e.g. "listening on http://127.0.0.1:9470". */
  status: string;
  /** The systemd-notify executable: a bare name is looked up on PATH. */
  systemdNotify?: string;
  timeoutMs?: number;
}

/**
 * Tells systemd the service is ready (units with Type=notify) when systemd started it, that is when
 * NOTIFY_SOCKET is set; otherwise does nothing and returns false. Call it once the program listens.
 *
 * Why run systemd-notify rather than write to the socket: the notification is a datagram on a unix
 * socket, and Node has no unix datagram sockets (node:dgram is UDP only, node:net streams only); a
 * native module would be the only other way. systemd-notify (systemd 246 and later) then waits until
 * the manager has read the message (BARRIER=1), so it cannot be dropped for coming from a process
 * that already exited; the units say NotifyAccess=all because the sender is our child, not us.
 *
 * Never throws: a failure is logged, and systemd stops the service at TimeoutStartSec with that
 * line in the journal to say why.
 */
export async function notifyReady(o: NotifyReadyOptions): Promise<boolean> {
  const socket = o.env.NOTIFY_SOCKET;
  if (socket === undefined || socket === "") return false;
  const status = o.status.replace(/[\r\n]+/g, " ");
  try {
    await runCommand(o.systemdNotify ?? "systemd-notify", ["--ready", `--status=${status}`], {
      timeoutMs: o.timeoutMs ?? 10_000,
      env: { NOTIFY_SOCKET: socket, PATH: o.env.PATH ?? DEFAULT_PATH },
    });
    return true;
  } catch (err) {
    o.logger.error("could not tell systemd that the service is ready: systemd will stop it when its start times out", {
      notifySocket: socket,
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}
