import { z } from "zod";
import { duration } from "../../shared/config/schema-helpers.ts";
import { parsePublicKey } from "../../shared/actions/signing.ts";
import { actionName } from "../../shared/protocol/primitives.ts";
import { type ArgTemplate, isWholeParam, parseTemplate, templateParams } from "./template.ts";

export const DEFAULT_ACTION_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

const paramName = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, { error: "parameter names are letters, digits and '_', starting with a letter" });

const enumParam = z.strictObject({
  type: z.literal("enum"),
  /** The only values accepted, compared exactly. */
  values: z.array(z.string().min(1).max(256)).min(1).max(1024),
});

const stringParam = z.strictObject({
  type: z.literal("string"),
  /** A JavaScript regular expression (Unicode mode) the whole value must match; anchors are added. */
  pattern: z
    .string()
    .min(1)
    .superRefine((p, ctx) => {
      try {
        new RegExp(`^(?:${p})$`, "u");
      } catch (err) {
        ctx.addIssue({ code: "custom", message: `not a valid regular expression: ${(err as Error).message}`, input: p });
      }
    }),
  maxLength: z.int().min(1).max(4096).default(128),
  /** Values starting with "-" are refused (they would read as options) unless this is set. */
  allowLeadingDash: z.boolean().default(false),
});

const integerParam = z
  .strictObject({
    type: z.literal("integer"),
    min: z.int().refine(Number.isSafeInteger, { error: "expected a safe integer" }),
    max: z.int().refine(Number.isSafeInteger, { error: "expected a safe integer" }),
  })
  .refine((p) => p.min <= p.max, { error: "max must not be below min", path: ["max"] });

export const actionParamSpec = z.discriminatedUnion("type", [enumParam, stringParam, integerParam], {
  error: 'expected a parameter with type "enum" (values), "string" (pattern) or "integer" (min, max)',
});
export type ActionParamSpec = z.infer<typeof actionParamSpec>;

/** One argv element: literal text or one whole "{param}", or {splice: "..."} for values inside a larger argument. */
const argvElement = z.unknown().transform((v, ctx): ArgTemplate => {
  if (typeof v === "string") return parseTemplate(v);
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const entries = Object.entries(v);
    const [key, value] = entries[0] ?? [];
    if (entries.length === 1 && key === "splice" && typeof value === "string" && value !== "") return parseTemplate(value, true);
    // `[systemctl, restart, {unit}]` in YAML is a mapping {unit: null} (which the loader may empty to {}):
    // say so instead of "expected a string".
    if (entries.length === 1 && (value === null || value === undefined)) {
      ctx.addIssue({ code: "custom", message: `an unquoted {${key}} is a YAML mapping: quote the placeholder, "{${key}}"`, input: v });
      return z.NEVER;
    }
    if (entries.length === 0) {
      ctx.addIssue({
        code: "custom",
        message: 'an empty mapping: quote placeholders, "{unit}" (unquoted, YAML reads {unit} as a mapping)',
        input: v,
      });
      return z.NEVER;
    }
  }
  ctx.addIssue({ code: "custom", message: 'expected a string such as "restart" or "{unit}", or {splice: "{dataset}@{name}"}', input: v });
  return z.NEVER;
});

const actionSpec = z
  .strictObject({
    description: z.string().max(500).optional(),
    /** safe: run on request; caution: a reason is required; danger: a reason, confirm and an admin are required. */
    risk: z.enum(["safe", "caution", "danger"], { error: 'expected "safe", "caution" or "danger"' }),
    /** The program and its arguments, run without a shell. The program (argv[0]) is fixed text. */
    argv: z.array(argvElement).min(1),
    params: z.record(paramName, actionParamSpec).default({}),
    /** What one run occupies, e.g. "unit:{unit}": requests for the same target run one after another. Default: the action name. */
    target: z.string().min(1).max(256).optional(),
    timeout: duration({ min: "100ms", max: "6h" }).default(60_000),
    /** Most bytes kept of stdout and of stderr each; the rest is dropped and the result marked truncated. */
    maxOutputBytes: z
      .int()
      .min(256)
      .max(1024 * 1024)
      .default(64 * 1024),
  })
  .superRefine((spec, ctx) => checkTemplates(spec, ctx));

export const actionsConfigSchema = z
  .strictObject({
    /** The hub's Ed25519 public key, `ed25519:<base64>` (vigil action key): only requests it signed are run. */
    hubPublicKey: z
      .string()
      .superRefine((text, ctx) => {
        try {
          parsePublicKey(text);
        } catch (err) {
          ctx.addIssue({ code: "custom", message: (err as Error).message, input: "(key)" });
        }
      })
      .optional(),
    /** PATH of the commands actions run (their environment holds only PATH and LANG). */
    path: z.string().min(1).default(DEFAULT_ACTION_PATH),
    /** A request issued further in the future than this (by the agent's clock) is refused: the clocks disagree. */
    maxClockSkew: duration({ min: "0s", max: "1h" }).default(30_000),
    /** A request valid for longer than this is refused, which also bounds how long request ids are remembered. */
    maxRequestLifetime: duration({ min: "1s", max: "1d" }).default(3_600_000),
    /** Requests waiting for one target at most; more are refused with TARGET_BUSY. */
    maxQueuedPerTarget: z.int().min(0).max(100).default(4),
    /** The whitelist: action name -> how to run it. Empty: the agent accepts no actions and does not poll the hub for them. */
    catalog: z.record(actionName, actionSpec).default({}),
  })
  .superRefine((cfg, ctx) => {
    if (Object.keys(cfg.catalog).length > 0 && cfg.hubPublicKey === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["hubPublicKey"],
        message: "required when the catalog lists actions: the hub's public key, as printed by 'vigil action key' (ed25519:...)",
      });
    }
  });

export type ActionsConfig = z.infer<typeof actionsConfigSchema>;
export type ActionSpec = ActionsConfig["catalog"][string];

interface SpecForCheck {
  argv: ArgTemplate[];
  params: Record<string, ActionParamSpec>;
  target?: string | undefined;
}

/** Every placeholder is declared, every parameter used, argv[0] fixed, and values go inside text only where `splice` says so. */
function checkTemplates(spec: SpecForCheck, ctx: z.RefinementCtx): void {
  const declared = new Set(Object.keys(spec.params));
  const used = new Set<string>();
  spec.argv.forEach((t, i) => {
    const names = templateParams(t);
    for (const n of names) {
      used.add(n);
      if (!declared.has(n)) ctx.addIssue({ code: "custom", path: ["argv", i], message: `{${n}} names no parameter in params` });
    }
    if (i === 0 && names.length > 0)
      ctx.addIssue({ code: "custom", path: ["argv", 0], message: "the program (argv[0]) must be fixed text" });
    if (!t.splice && names.length > 0 && !isWholeParam(t)) {
      ctx.addIssue({
        code: "custom",
        path: ["argv", i],
        message:
          'puts a parameter inside a larger argument: write it as {splice: "..."} to allow that, or make the parameter the whole argument',
      });
    }
  });
  for (const n of declared) {
    if (!used.has(n)) ctx.addIssue({ code: "custom", path: ["params", n], message: `parameter ${n} is never used in argv` });
  }
  if (spec.target !== undefined) {
    for (const n of templateParams(parseTemplate(spec.target))) {
      if (!declared.has(n)) ctx.addIssue({ code: "custom", path: ["target"], message: `{${n}} names no parameter in params` });
    }
  }
}
