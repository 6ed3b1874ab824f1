import { z } from "zod";
import { secret } from "../../../shared/config/schema-helpers.ts";
import { channelBaseFields } from "../channel-base.ts";

// A pragmatic check, not RFC 5322: it catches typos (missing @, spaces) and leaves the rest to the SMTP server.
const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+$/;
const address = z.string().regex(ADDRESS, { error: 'expected an email address such as "ops@example.org"' });
/** `ops@example.org` or `Vigil <vigil@example.org>`. */
const sender = z.string().refine((v) => ADDRESS.test(v) || /^[^<>]*<[^\s@<>",;]+@[^\s@<>",;]+>$/.test(v.trim()), {
  error: 'expected an email address such as "vigil@example.org" or "Vigil <vigil@example.org>"',
});

/** Default port for each way of securing the connection. */
export const SMTP_DEFAULT_PORT = { plain: 25, starttls: 587, tls: 465 } as const;

/** Email through an SMTP server: plain, STARTTLS (required, not opportunistic) or implicit TLS, optional AUTH. */
export const emailChannelConfig = z.strictObject({
  type: z.literal("email"),
  smtp: z
    .strictObject({
      host: z.string().min(1),
      /** Defaults to 25 (plain), 587 (starttls) or 465 (tls). */
      port: z.int().min(1).max(65535).optional(),
      /** plain: no TLS at all; starttls: upgrade and refuse a server that cannot; tls: TLS from the first byte. */
      security: z.enum(["plain", "starttls", "tls"]).default("starttls"),
      username: z.string().min(1).optional(),
      password: secret.optional(),
      tls: z
        .strictObject({
          /** PEM file of the CA that signed the server's certificate, for private CAs. */
          caFile: z.string().min(1).optional(),
          /** Accept any certificate (testing only: anyone in the path can read the mail). */
          insecureSkipVerify: z.boolean().default(false),
        })
        .prefault({}),
    })
    .refine((s) => (s.username === undefined) === (s.password === undefined), {
      error: "username and password go together: set both for SMTP AUTH, or neither",
      path: ["password"],
    }),
  from: sender,
  to: z.array(address).min(1, { error: "at least one recipient is required" }),
  /** Put before every subject. */
  subjectPrefix: z.string().max(64).default("[vigil]"),
  ...channelBaseFields,
});
