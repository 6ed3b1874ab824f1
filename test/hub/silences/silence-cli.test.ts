import { afterEach, describe, expect, it } from "vitest";
import { parseLabelMatchers, parseWhen } from "../../../hub/cli/commands/silence-args.ts";
import { runCli } from "../../../hub/cli/run.ts";
import type { RunningServer } from "../../../shared/http/serve.ts";
import { captureIo } from "../../cli/support/capture.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { MIN, type RulesHarness, rulesHarness, T0 } from "../rules/rules-harness.ts";

const tempDir = useTempDirs();
let h: RulesHarness | undefined;
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  h?.close();
  server = undefined;
  h = undefined;
});

async function hub(yaml = ""): Promise<RulesHarness> {
  h = rulesHarness(tempDir(), yaml);
  server = await h.serve();
  return h;
}

async function vigil(t: RulesHarness, argv: string[], env: Record<string, string> = {}) {
  const io = captureIo();
  const code = await runCli(argv, { env: { VIGIL_HUB_URL: server?.url ?? "", ...env }, io, now: () => t.clock.now, version: "9.9.9" });
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe("vigil silence", () => {
  it("add, list, expire: a silence of one pool's alerts on the NAS", async () => {
    const t = await hub();
    const added = await vigil(t, [
      "silence",
      "add",
      "--host",
      "nas",
      "--label",
      "pool=sata-bulk",
      "--duration",
      "6h",
      "--comment",
      "resilvering sata-bulk",
      "--author",
      "ana",
    ]);
    expect(added.code).toBe(0);
    const id = /^Created silence ([0-9a-f-]{36}) until 2026-09-21T20:13Z \(host=nas pool=sata-bulk\)\.\n$/.exec(added.stdout)?.[1];
    expect(id).toBeDefined();
    expect(t.silences().find(id ?? "", t.clock.now)).toMatchObject({
      matchers: { hosts: ["nas"], labels: { pool: "sata-bulk" } },
      createdBy: "ana",
    });

    const listed = await vigil(t, ["silence", "list"]);
    expect(listed.stdout).toBe(
      [
        "ID         KIND      STATUS   MATCHES                   STARTS              ENDS                        BY    COMMENT",
        `${id?.slice(0, 8)}   silence   active   host=nas pool=sata-bulk   2026-09-21T14:13Z   2026-09-21T20:13Z (in 6h)   ana   resilvering sata-bulk`,
        "",
      ].join("\n"),
    );
    t.at(10);
    const expired = await vigil(t, ["silence", "expire", id?.slice(0, 8) ?? ""]);
    expect(expired).toEqual({ code: 0, stdout: `Expired silence ${id}: its alerts are notified again.\n`, stderr: "" });
    expect((await vigil(t, ["silence", "list"])).stdout).toBe("No silences.\n");
    expect((await vigil(t, ["silence", "list", "--all"])).stdout).toContain(`${id?.slice(0, 8)}   silence   expired`);
  });

  it("a maintenance window by host label, starting later", async () => {
    const t = await hub();
    const r = await vigil(t, [
      "silence",
      "add",
      "--maintenance",
      "--host-label",
      "site=lab",
      "--rule",
      "host-down",
      "--start",
      "2026-09-21T16:00",
      "--until",
      "2026-09-21T18:00",
      "--comment",
      "UPS swap",
    ]);
    expect(r.stdout).toMatch(
      /^Created maintenance [0-9a-f-]{36} from 2026-09-21T16:00Z until 2026-09-21T18:00Z \(rule=host-down host:site=lab\)\.\n$/,
    );
    const [s] = t.silences().list([], t.clock.now);
    expect(s).toMatchObject({
      kind: "maintenance",
      status: "pending",
      startsAt: Date.parse("2026-09-21T16:00Z"),
      matchers: { hostLabels: { site: "lab" } },
    });
  });

  it("usage errors exit 2 before asking the hub; the hub's refusals exit 1 naming the field", async () => {
    const t = await hub();
    const cases: Array<[string[], string]> = [
      [["silence", "add", "--host", "nas", "--duration", "1h"], 'vigil: missing --comment: say why (e.g. --comment "replacing a disk")'],
      [["silence", "add", "--host", "nas", "--comment", "x"], "vigil: give one of --duration and --until"],
      [
        ["silence", "add", "--duration", "1h", "--comment", "x"],
        "vigil: say what to silence: --host, --rule, --label or --host-label (a silence of everything is refused)",
      ],
      [
        ["silence", "add", "--label", "pool", "--duration", "1h", "--comment", "x"],
        'vigil: --label "pool": expected name=value, name!=value, name=~regex or name!~regex',
      ],
      [["silence", "mute"], 'vigil: unknown silence action "mute" (expected add, list or expire)'],
      [["silence", "expire"], 'vigil: missing <id> for "silence expire"'],
    ];
    for (const [argv, message] of cases) {
      expect(await vigil(t, argv), argv.join(" ")).toEqual({
        code: 2,
        stdout: "",
        stderr: `${message}\nRun 'vigil help silence' for usage.\n`,
      });
    }
    const bad = await vigil(t, ["silence", "add", "--label", "pool=~(", "--duration", "1h", "--comment", "x"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      "error SILENCE_SCHEMA: invalid request body: matchers.labels.pool.matches: expected a valid regular expression",
    );
    const missing = await vigil(t, ["silence", "expire", "abcdef12"]);
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'error SILENCE_NOT_FOUND: no silence has an id starting with "abcdef12" (field: id)\n',
    });
  });

  it("sends the admin token given with --token", async () => {
    const t = await hub("auth:\n  adminTokens: [s3cret-admin-token]");
    const argv = ["silence", "add", "--rule", "cpu-usage", "--duration", "1h", "--comment", "benchmark"];
    expect((await vigil(t, argv)).code).toBe(1);
    expect((await vigil(t, [...argv, "--token", "s3cret-admin-token"])).code).toBe(0);
  });
});

describe("silence argument parsing", () => {
  it("reads PromQL-style matchers", () => {
    expect(parseLabelMatchers("--label", ["pool=sata-bulk", "mountpoint!~/boot.*", "unit=~ollama.*", "gpu!=1", "x="])).toEqual({
      pool: "sata-bulk",
      mountpoint: { notMatches: "/boot.*" },
      unit: { matches: "ollama.*" },
      gpu: { notEquals: "1" },
      x: "",
    });
    expect(() => parseLabelMatchers("--label", ["a=1", "a=2"])).toThrow("--label: label a is given twice");
  });

  it("reads times as ISO (UTC without a zone) or as a duration from now", () => {
    expect(parseWhen("--start", "30m", T0)).toBe(T0 + 30 * MIN);
    expect(parseWhen("--start", "2026-11-24T02:00", T0)).toBe(Date.parse("2026-11-24T02:00:00Z"));
    expect(parseWhen("--start", "2026-11-24T02:00+01:00", T0)).toBe(Date.parse("2026-11-24T01:00:00Z"));
    expect(() => parseWhen("--until", "tomorrow", T0)).toThrow(
      '--until "tomorrow": expected a time such as 2026-11-24T02:00Z or a duration from now such as 30m',
    );
  });
});
