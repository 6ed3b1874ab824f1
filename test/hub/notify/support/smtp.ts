import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { afterEach } from "vitest";

export interface ReceivedMail {
  mail: ParsedMail;
  /** Whether the session was encrypted (STARTTLS or implicit TLS) and who logged in. */
  secure: boolean;
  user: string | undefined;
  envelopeTo: string[];
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with openssl for each test run: the
 * one smtp-server ships has expired, and a fresh one never will during a test.
 */
export function makeCertificate(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(dir, "smtp-key.pem");
  const certFile = join(dir, "smtp-cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), certFile };
}

/** Real SMTP servers (smtp-server) on 127.0.0.1 that parse what they receive with mailparser; closed after each test. */
export function useSmtpServers() {
  const open: SMTPServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
  });
  return async (options: Partial<SMTPServerOptions> = {}) => {
    const received: ReceivedMail[] = [];
    const errors: Error[] = [];
    const server = new SMTPServer({
      logger: false,
      authOptional: true,
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            received.push({
              mail,
              secure: session.secure,
              user: typeof session.user === "string" ? session.user : undefined,
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      },
      ...options,
    });
    // A client that gives up mid-handshake is an expected event in these tests, not a crash.
    server.on("error", (err) => errors.push(err));
    open.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return { port: (server.server.address() as AddressInfo).port, received, errors };
  };
}
