import { readFileSync } from "node:fs";
import type { Transporter } from "nodemailer";
import type { z } from "zod";
import { ConfigError } from "../../../shared/config/config-error.ts";
import type { ResolvedSecrets } from "../../../shared/config/load-config.ts";
import type { SendResult } from "../../../shared/http/delivery.ts";
import type { Channel, SendOptions } from "../channel.ts";
import { deliveryId, type Notification, type RenderContext } from "../notification.ts";
import { SMTP_DEFAULT_PORT, type emailChannelConfig } from "./config.ts";
import { buildEmailMessage } from "./email-message.ts";
import { smtpFailure } from "./smtp-result.ts";

export type EmailChannelConfig = ResolvedSecrets<z.infer<typeof emailChannelConfig>>;

/**
 * Sends email through an SMTP server with nodemailer: a text and an HTML part. nodemailer is loaded
 * on the first send, so a hub without an email channel never pays for it.
 */
export class EmailChannel implements Channel {
  readonly type = "email";
  readonly name: string;
  readonly sendResolved: boolean;
  readonly #config: EmailChannelConfig;
  readonly #render: RenderContext;
  readonly #timeoutMs: number;
  readonly #ca: string | undefined;
  readonly #server: string;
  #transport: Promise<Transporter> | undefined;

  constructor(o: { name: string; config: EmailChannelConfig; render: RenderContext; timeoutMs: number; configSource: string }) {
    this.name = o.name;
    this.sendResolved = o.config.sendResolved;
    this.#config = o.config;
    this.#render = o.render;
    this.#timeoutMs = o.timeoutMs;
    const { smtp } = o.config;
    this.#server = `${smtp.host}:${smtp.port ?? SMTP_DEFAULT_PORT[smtp.security]}`;
    this.#ca = smtp.tls.caFile === undefined ? undefined : readCa(smtp.tls.caFile, o.configSource, o.name);
  }

  async send(n: Notification, options: SendOptions): Promise<SendResult> {
    const message = buildEmailMessage(n, this.#render, this.#config.subjectPrefix);
    let transport: Transporter;
    try {
      transport = await this.#transporter();
    } catch (err) {
      return { kind: "failure", reason: `cannot load the email sender: ${(err as Error).message}`, error: err };
    }
    const sending = transport.sendMail({
      from: this.#config.from,
      to: this.#config.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      headers: { "X-Vigil-Delivery": deliveryId(n) },
    });
    // nodemailer takes no AbortSignal: when the hub stops, stop waiting (the server may still deliver).
    const aborted = new Promise<"aborted">((resolve) => {
      if (options.signal.aborted) resolve("aborted");
      options.signal.addEventListener("abort", () => resolve("aborted"), { once: true });
    });
    try {
      const outcome = await Promise.race([sending, aborted]);
      if (outcome === "aborted") {
        sending.catch(() => {});
        return { kind: "retryable", reason: `SMTP server ${this.#server}: sending aborted` };
      }
      return { kind: "success" };
    } catch (err) {
      return smtpFailure(err, this.#server);
    }
  }

  async close(): Promise<void> {
    const transport = await this.#transport?.catch(() => undefined);
    transport?.close();
  }

  #transporter(): Promise<Transporter> {
    this.#transport ??= import("nodemailer").then((nodemailer) => {
      const { smtp } = this.#config;
      return nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port ?? SMTP_DEFAULT_PORT[smtp.security],
        secure: smtp.security === "tls",
        requireTLS: smtp.security === "starttls",
        ignoreTLS: smtp.security === "plain",
        ...(smtp.username !== undefined && smtp.password !== undefined
          ? { auth: { user: smtp.username, pass: smtp.password.reveal() } }
          : {}),
        tls: { rejectUnauthorized: !smtp.tls.insecureSkipVerify, ...(this.#ca !== undefined ? { ca: this.#ca } : {}) },
        connectionTimeout: this.#timeoutMs,
        greetingTimeout: this.#timeoutMs,
        socketTimeout: this.#timeoutMs,
        // Messages are built from alert text: never let an address or attachment path reach the file system or the network.
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    });
    this.#transport.catch(() => {
      this.#transport = undefined;
    });
    return this.#transport;
  }
}

function readCa(file: string, configSource: string, channel: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "not found" : code === "EACCES" ? "permission denied" : "unreadable";
    throw new ConfigError(configSource, [{ path: `notify.channels.${channel}.smtp.tls.caFile`, message: `${file} ${why}` }]);
  }
}
