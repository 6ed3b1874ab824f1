import type { SendResult } from "../../shared/http/delivery.ts";
import type { Notification } from "./notification.ts";

export interface SendOptions {
  /** Aborted at the attempt's timeout or when the hub stops. */
  signal: AbortSignal;
  timeoutMs: number;
}

/**
 * One way of delivering a notification (Slack, email, webhook). `send` makes one attempt and says
 * how it went; it never throws and never retries: retrying is the dispatcher's (delivery/).
 * Vendor quirks (Slack answering 200 with an error) are handled inside the channel.
 */
export interface Channel {
  readonly name: string;
  readonly type: string;
  /** Whether resolved alerts are sent to it. */
  readonly sendResolved: boolean;
  send(notification: Notification, options: SendOptions): Promise<SendResult>;
  /** Releases connections (SMTP); called when the hub stops. */
  close(): Promise<void>;
}
