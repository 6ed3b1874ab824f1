import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NotifyService } from "../../../hub/notify/notify-service.ts";
import { ConfigError } from "../../../shared/config/config-error.ts";
import { silentLogger } from "../../../shared/log/logger.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { hubConfigFile } from "./support/config.ts";
import { openOutboxDb } from "./support/outbox-db.ts";

const tempDir = useTempDirs();

function problems(notify: Record<string, unknown>): string {
  try {
    hubConfigFile(tempDir(), { notify });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return "no error";
}

describe("the notify config", () => {
  it("defaults to no channels, a 50 ms group window and 16 attempts backing off from 15 s to 4 h", () => {
    const { config } = hubConfigFile(tempDir(), {});
    expect(config.notify).toMatchObject({
      channels: {},
      routes: [],
      groupWait: 50,
      timeout: 10_000,
      retry: { maxAttempts: 16, initialBackoff: 15_000, maxBackoff: 14_400_000 },
      alertmanager: { tokens: [], maxBodyBytes: 4 * 1024 * 1024 },
    });
  });

  it("names the file, the path and the expectation for each mistake", () => {
    const text = problems({
      channels: {
        chat: { type: "slack", url: "hooks.slack.com/services/T01/B02/tok-x" },
        mail: { type: "email", smtp: { host: "smtp.example.org", username: "vigil" }, from: "vigil", to: [] },
        hook: { type: "webhook", url: "https://example.org/h", headers: { "Content-Type": "text/plain" } },
        pager: { type: "pagerduty" },
      },
      routes: [{ channels: ["chat", "pagr"] }],
      groupWait: "soon",
    });
    expect(text).toContain("hub.yaml: ");
    expect(text).toContain("notify.channels.chat.url: expected an http:// or https:// URL\n");
    expect(text).not.toContain("tok-x");
    expect(text).toContain("notify.channels.mail.smtp.password: username and password go together");
    expect(text).toContain('notify.channels.mail.from: expected an email address such as "vigil@example.org"');
    expect(text).toContain("notify.channels.mail.to: at least one recipient is required");
    expect(text).toContain("notify.channels.hook.headers.Content-Type: is set by Vigil itself and cannot be configured");
    expect(text).toContain('notify.channels.pager.type: expected a channel with type "slack", "email" or "webhook"');
    expect(text).toContain('notify.groupWait: expected a duration such as "500ms"');
  });

  it("names a route's channel that does not exist", () => {
    expect(
      problems({
        channels: { chat: { type: "slack", url: "https://hooks.slack.com/services/x" } },
        routes: [{ channels: ["chat", "pagr"] }],
      }),
    ).toMatch(/hub\.yaml: notify\.routes\[0\]\.channels\[1\]: no channel named "pagr" in notify\.channels \(there are: chat\)$/);
  });

  it("keeps webhook URLs, passwords and signing keys out of logs and API answers", () => {
    const { config } = hubConfigFile(tempDir(), {
      notify: {
        channels: {
          chat: { type: "slack", url: "https://hooks.slack.com/services/T01/B02/sekrit-path" },
          mail: {
            type: "email",
            smtp: { host: "smtp.example.org", username: "vigil", password: "mail-pass-9" },
            from: "vigil@example.org",
            to: ["a@example.org"],
          },
          hook: {
            type: "webhook",
            url: "https://example.org/h",
            signingSecret: "hmac-key-3",
            headers: { Authorization: "Bearer hdr-tok-4" },
          },
        },
      },
    });
    const shown = JSON.stringify(config.notify);
    for (const secret of ["sekrit-path", "mail-pass-9", "hmac-key-3", "hdr-tok-4"]) expect(shown).not.toContain(secret);
    expect(shown).toContain('"url":"[redacted]"');
  });

  it("checks a URL given through the environment when the channel is built, naming the variable but not the value", () => {
    const dir = tempDir();
    const { config, file } = hubConfigFile(
      dir,
      { notify: { channels: { chat: { type: "slack", url: { env: "SLACK_URL" } } } } },
      { SLACK_URL: "not a url" },
    );
    const build = () => new NotifyService({ db: openOutboxDb(dir), config, configSource: file, logger: silentLogger });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(`${join(dir, "hub.yaml")}: notify.channels.chat.url: expected an http:// or https:// URL (from env:SLACK_URL)`);
  });
});
