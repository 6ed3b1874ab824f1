import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../../shared/config/config-error.ts";
import { Secret } from "../../../../shared/config/secret.ts";
import { freePort } from "../../../../shared/net/free-port.ts";
import { EmailChannel, type EmailChannelConfig } from "../../../../hub/notify/email/email-channel.ts";
import { useTempDirs } from "../../../support/temp-dir.ts";
import { gpuAlert, notificationOf, T0 } from "../support/alerts.ts";
import { makeCertificate, useSmtpServers } from "../support/smtp.ts";

const startSmtp = useSmtpServers();
const tempDir = useTempDirs();
let tls: { key: string; cert: string };
let certDir: string;

beforeAll(() => {
  certDir = mkdtempSync(join(tmpdir(), "vigil-smtp-"));
  tls = makeCertificate(certDir);
});
afterAll(() => rmSync(certDir, { recursive: true, force: true }));

type Smtp = Partial<EmailChannelConfig["smtp"]> & { port: number };

function emailTo(smtp: Smtp, over: Partial<EmailChannelConfig> = {}) {
  const config: EmailChannelConfig = {
    type: "email",
    smtp: { host: "127.0.0.1", security: "plain", tls: { insecureSkipVerify: false }, ...smtp },
    from: "Vigil <vigil@example.org>",
    to: ["oncall@example.org", "gpu-team@example.org"],
    subjectPrefix: "[vigil]",
    sendResolved: true,
    ...over,
  };
  return new EmailChannel({
    name: "mail",
    config,
    render: { hubUrl: "https://vigil.example.org" },
    timeoutMs: 5000,
    configSource: "hub.yaml",
  });
}

const opts = { signal: new AbortController().signal, timeoutMs: 5000 };

describe("the email channel", () => {
  it("delivers a text and an HTML part that a real SMTP server receives and parses", async () => {
    const smtp = await startSmtp();
    const channel = emailTo({ port: smtp.port });
    const alert = gpuAlert({ annotations: { summary: "GPU 0 <b>hot</b> & loud" } });
    expect(await channel.send(notificationOf([alert]), opts)).toEqual({ kind: "success" });
    await channel.close();

    expect(smtp.received).toHaveLength(1);
    const { mail, secure, envelopeTo } = smtp.received[0] ?? ({} as never);
    expect(secure).toBe(false);
    expect(envelopeTo).toEqual(["oncall@example.org", "gpu-team@example.org"]);
    expect(mail.subject).toBe("[vigil] FIRING: GpuTemperatureHigh on gpu-box-1");
    expect(mail.from?.text).toBe('"Vigil" <vigil@example.org>');
    expect(mail.headers.get("x-vigil-delivery")).toBe("vigil-41");
    expect(mail.text).toBe(
      [
        "FIRING: GpuTemperatureHigh on gpu-box-1",
        "",
        "[FIRING] GpuTemperatureHigh (critical)",
        "  GPU 0 <b>hot</b> & loud",
        "  host: gpu-box-1",
        "  value 92.5 crossed threshold 90",
        "  since 2026-11-23 14:03:11 UTC",
        "  labels: gpu=0, model=NVIDIA GeForce RTX 4090",
        "",
        "Alerts on the hub: https://vigil.example.org/api/v1/alerts",
        "Sent by Vigil (channel ops, route gpu).",
      ].join("\n"),
    );
    const html = mail.html || "";
    expect(html).toContain('<p style="margin: 0 0 4px">GPU 0 &lt;b&gt;hot&lt;/b&gt; &amp; loud</p>');
    expect(html).not.toContain("<b>hot</b>");
    expect(html).toContain('<a href="https://vigil.example.org/api/v1/alerts">Alerts on the hub</a>');
    expect(html).toContain("<td>value 92.5 crossed threshold 90</td>");
  });

  it("upgrades with STARTTLS and logs in, verifying the server against a CA file", async () => {
    const smtp = await startSmtp({
      key: tls.key,
      cert: tls.cert,
      authOptional: false,
      onAuth(auth, _session, cb) {
        if (auth.username === "vigil" && auth.password === "app-password-1") cb(null, { user: "vigil" });
        else cb(new Error("Invalid username or password"));
      },
    });
    const channel = emailTo({
      port: smtp.port,
      security: "starttls",
      username: "vigil",
      password: new Secret("app-password-1", "inline"),
      tls: { caFile: join(certDir, "smtp-cert.pem"), insecureSkipVerify: false },
    });
    expect(await channel.send(notificationOf([gpuAlert({ status: "resolved", endsAt: T0 + 3_600_000 })]), opts)).toEqual({
      kind: "success",
    });
    await channel.close();
    expect(smtp.received[0]).toMatchObject({ secure: true, user: "vigil" });
    expect(smtp.received[0]?.mail.subject).toBe("[vigil] RESOLVED: GpuTemperatureHigh on gpu-box-1");
    expect(smtp.received[0]?.mail.text).toContain("  resolved 2026-11-23 15:03:11 UTC, after 1h");
  });

  it("speaks TLS from the first byte (security: tls)", async () => {
    const smtp = await startSmtp({ secure: true, key: tls.key, cert: tls.cert });
    const channel = emailTo({ port: smtp.port, security: "tls", tls: { insecureSkipVerify: true } });
    expect(await channel.send(notificationOf([gpuAlert()]), opts)).toEqual({ kind: "success" });
    await channel.close();
    expect(smtp.received[0]?.secure).toBe(true);
  });

  it("refuses to send in clear text when STARTTLS is required but not offered", async () => {
    const smtp = await startSmtp({ disabledCommands: ["STARTTLS"] });
    const result = await emailTo({ port: smtp.port, security: "starttls" }).send(notificationOf([gpuAlert()]), opts);
    expect(result).toMatchObject({ kind: "failure", reason: expect.stringContaining("(ETLS)") });
    expect(smtp.received).toHaveLength(0);
  });

  it("classifies SMTP replies: 535 bad login and 550 unknown recipient are final, 451 is retried", async () => {
    const login = await startSmtp({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth: (_a, _s, cb) => cb(new Error("Invalid username or password")),
    });
    const bad = await emailTo({ port: login.port, username: "vigil", password: new Secret("wrong", "inline") }).send(
      notificationOf([gpuAlert()]),
      opts,
    );
    expect(bad).toMatchObject({ kind: "failure", reason: expect.stringMatching(/^SMTP server 127\.0\.0\.1:\d+ answered 535 \(EAUTH\): /) });

    for (const [code, kind] of [
      [550, "failure"],
      [451, "retryable"],
    ] as const) {
      const smtp = await startSmtp({ onRcptTo: (_a, _s, cb) => cb(Object.assign(new Error("mailbox says no"), { responseCode: code })) });
      const result = await emailTo({ port: smtp.port }).send(notificationOf([gpuAlert()]), opts);
      expect(result).toMatchObject({ kind, reason: expect.stringContaining(`answered ${code}`) });
      expect(result.kind !== "success" && result.reason).toContain("mailbox says no");
    }
  });

  it("retries when the server is unreachable", async () => {
    const port = await freePort();
    const result = await emailTo({ port }).send(notificationOf([gpuAlert()]), opts);
    expect(result).toMatchObject({ kind: "retryable", reason: expect.stringContaining(`SMTP server 127.0.0.1:${port}`) });
  });

  it("names the config file and path when the CA file cannot be read", () => {
    const missing = join(tempDir(), "no-ca.pem");
    expect(() => emailTo({ port: 25, security: "starttls", tls: { caFile: missing, insecureSkipVerify: false } })).toThrow(ConfigError);
    expect(() => emailTo({ port: 25, security: "starttls", tls: { caFile: missing, insecureSkipVerify: false } })).toThrow(
      `hub.yaml: notify.channels.mail.smtp.tls.caFile: ${missing} not found`,
    );
  });
});
