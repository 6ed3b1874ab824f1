import { afterEach, describe, expect, it } from "vitest";
import type { Command } from "../../hub/cli/command.ts";
import { COMMANDS } from "../../hub/cli/commands/index.ts";
import { runCli } from "../../hub/cli/run.ts";
import { captureIo } from "./support/capture.ts";
import { type FakeHub, gpuBox, gpuLatest, gpuViews, healthyRoutes, hostList, NOW, type Reply, startFakeHub } from "./support/fake-hub.ts";
import { closedPort } from "./support/ports.ts";

let hub: FakeHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

/** Runs `vigil <argv>` in-process against the fake hub (unless --hub is given) with a fixed clock. */
async function vigil(argv: string[], opts: { env?: Record<string, string>; routes?: Record<string, Reply> } = {}) {
  hub ??= await startFakeHub(opts.routes ?? healthyRoutes());
  const io = captureIo();
  const env = { VIGIL_HUB_URL: hub.url, ...opts.env };
  const code = await runCli(argv, { env, io, now: () => NOW, version: "9.9.9" });
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe("vigil hosts", () => {
  it("prints the table", async () => {
    const r = await vigil(["hosts"]);
    expect(r).toEqual({
      code: 0,
      stdout: [
        "ID      HOSTNAME    STATUS   LAST SEEN   AGENT VERSION   LABELS",
        "gpu-1   gpu-1.lan   up       4s ago      0.1.0           env=prod,rack=a",
        "nas     nas.lan     down     5m ago      0.0.9           <none>",
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("--json prints the hub's body as received, fields unknown to this CLI included", async () => {
    const body = { ...hostList, nextPage: null };
    const r = await vigil(["--json", "hosts"], { routes: { "/api/v1/hosts": { status: 200, json: body } } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(body);
  });

  it("exits 1 with the hub's error", async () => {
    const r = await vigil(["hosts"], {
      routes: { "/api/v1/hosts": { status: 503, json: { error: { code: "STORE_BUSY", message: "try again" } } } },
    });
    expect(r).toEqual({ code: 1, stdout: "", stderr: "error STORE_BUSY: try again\n" });
  });

  it("exits 1 naming the wrong field of an invalid answer", async () => {
    const r = await vigil(["hosts"], { routes: { "/api/v1/hosts": { status: 200, json: { hosts: [{ id: "x" }] } } } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^vigil: invalid response from the hub \(GET \/api\/v1\/hosts\): hosts\[0\]\.hostname: /);
  });

  it("exits 3 when the hub is unreachable", async () => {
    const port = await closedPort();
    const r = await vigil(["hosts", "--hub", `http://127.0.0.1:${port}`]);
    expect(r).toEqual({
      code: 3,
      stdout: "",
      stderr: `vigil: cannot reach the hub at http://127.0.0.1:${port} (connection refused): is vigil-hub running?\n`,
    });
  });
});

describe("vigil host <id>", () => {
  it("prints the host, then a table per typed view, leaving out empty ones", async () => {
    const r = await vigil(["host", "gpu-1"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Hostname:       gpu-1.lan\n");
    expect(r.stdout).toContain(
      [
        "GPUs (2):",
        "GPU   NAME                      TEMP   UTIL   MEMORY            POWER           FAN   PROCESSES",
        "0     NVIDIA GeForce RTX 4090   64°C   97%    20 GiB / 24 GiB   312 W / 450 W   41%   1",
        "1     NVIDIA RTX A4000          48°C   0%     -                 -               -     -",
        "",
        "Pools (2):",
        "POOL        HEALTH     SIZE      ALLOC     CAP   FRAG   SCAN                   DATA ERRORS",
        "nvme-fast   DEGRADED   1.8 TiB   1.6 TiB   86%   12%    resilver_in_progress   0",
        "sata-bulk   ONLINE     -         -         41%   -      -                      -",
        "",
        "Units (1):",
        "UNIT                 ACTIVE   SUB      RESULT      RESTARTS",
        "postgresql.service   failed   failed   exit-code   3",
        "",
        "Probes (1):",
        "PROBE        KIND     UP   STATUS          TOOK   MESSAGE",
        "ollama-gpu   ollama   no   missing_model   42ms   model llama3.1:70b is not installed",
        "",
        "Every sample and state: vigil host gpu-1 --all",
        "",
      ].join("\n"),
    );
    expect(r.stdout).not.toContain("Containers");
    expect(hub?.requests.map((q) => q.path).sort()).toEqual(
      ["", "/containers", "/gpus", "/pools", "/probes", "/units"].map((p) => `/api/v1/hosts/gpu-1${p}`),
    );
  });

  it("--all adds every sample and state", async () => {
    const r = await vigil(["host", "gpu-1", "--all"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      ["Samples (3):", "  cpu_usage_ratio                 0.25", '  disk_used_bytes{mount="/"}      1200000000'].join("\n"),
    );
    expect(r.stdout).toContain('States (1):\n  zfs_pool_health{pool="tank"}  ONLINE\n');
  });

  it("shows the host alone from a hub that has no typed views yet", async () => {
    const routes = { "/api/v1/hosts/gpu-1": healthyRoutes()["/api/v1/hosts/gpu-1"] as Reply };
    const r = await vigil(["host", "gpu-1"], { routes });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ID:             gpu-1\n");
    expect(r.stdout).toContain("\n\nNo GPUs, pools, containers, units or probes reported.\n\n");
  });

  it("--json prints the hub's answers: the host and each view", async () => {
    const r = await vigil(["host", "gpu-1", "--json"]);
    const body = JSON.parse(r.stdout) as { host: unknown; views: Record<string, unknown>; latest?: unknown };
    expect(body.host).toEqual(gpuBox);
    expect(body.views).toEqual(gpuViews);
    expect(body.latest).toBeUndefined();
    expect((JSON.parse((await vigil(["host", "gpu-1", "--json", "--all"])).stdout) as { latest: unknown }).latest).toEqual(gpuLatest);
  });

  it("exits 1 for an unknown host", async () => {
    const r = await vigil(["host", "ghost"]);
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr: 'error HOST_NOT_FOUND: no host with id "ghost" has reported to this hub (field: id)\n',
    });
  });

  it("keeps control characters of the hub's messages away from the terminal", async () => {
    const body = { error: { code: "HOST_NOT_FOUND", message: 'no host "\u001b[2J"' } };
    const r = await vigil(["host", "x"], { routes: { "/api/v1/hosts/x": { status: 404, json: body } } });
    expect(r.stderr).toBe('error HOST_NOT_FOUND: no host "\\x1b[2J"\n');
  });
});

describe("usage errors exit 2 with one reason and a hint", () => {
  it.each([
    [["hots"], "vigil: unknown command \"hots\"\nRun 'vigil --help' for usage.\n"],
    [["host"], "vigil: missing <id> for \"host\"\nRun 'vigil help host' for usage.\n"],
    [["hosts", "extra"], "vigil: unknown hosts action \"extra\" (expected add, remove or revoke)\nRun 'vigil help hosts' for usage.\n"],
    [["hosts", "add"], "vigil: missing <id> for \"hosts add\"\nRun 'vigil help hosts' for usage.\n"],
    [["hosts", "add", "a", "b"], 'vigil: unexpected argument "b" for "hosts"\nRun \'vigil help hosts\' for usage.\n'],
    [["hosts", "--frobnicate"], "vigil: unknown option --frobnicate\nRun 'vigil help hosts' for usage.\n"],
    [["--nope"], "vigil: unknown option --nope\nRun 'vigil --help' for usage.\n"],
    [["hosts", "--hub"], "vigil: option --hub needs a value\nRun 'vigil help hosts' for usage.\n"],
    [["hosts", "--json=yes"], "vigil: option --json does not take a value\nRun 'vigil help hosts' for usage.\n"],
    [["help", "nope"], "vigil: unknown command \"nope\"\nRun 'vigil --help' for usage.\n"],
  ])("vigil %j", async (argv, stderr) => {
    const r = await vigil(argv);
    expect(r).toEqual({ code: 2, stdout: "", stderr });
    expect(hub?.requests).toEqual([]);
  });

  it("checks --hub and --timeout", async () => {
    const badHub = await vigil(["hosts", "--hub", "ftp://box"]);
    expect(badHub.code).toBe(2);
    expect(badHub.stderr).toMatch(/^vigil: --hub: expected an http:\/\/ or https:\/\/ URL/);
    const badTimeout = await vigil(["hosts", "--timeout", "soon"]);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toMatch(/^vigil: --timeout: expected a duration/);
  });

  it("names the environment variable that is wrong", async () => {
    const r = await vigil(["hosts"], { env: { VIGIL_HUB_URL: "not a url" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^vigil: hub\.url: .*\(set by environment variable VIGIL_HUB_URL\)\n/);
  });

  it("prints the help on stderr when no command is given", async () => {
    const r = await vigil([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Usage: vigil [options] <command> [arguments]");
  });
});

describe("configuration: flags over environment over defaults", () => {
  it("uses VIGIL_TOKEN, and --token over it", async () => {
    await vigil(["hosts"], { env: { VIGIL_TOKEN: "from-env" } });
    await vigil(["hosts", "--token", "from-flag"], { env: { VIGIL_TOKEN: "from-env" } });
    expect(hub?.requests.map((q) => q.headers.authorization)).toEqual(["Bearer from-env", "Bearer from-flag"]);
  });

  it("--hub overrides VIGIL_HUB_URL, which is then not read at all", async () => {
    hub = await startFakeHub(healthyRoutes());
    const r = await vigil(["hosts", "--hub", hub.url], { env: { VIGIL_HUB_URL: "not a url" } });
    expect(r.code).toBe(0);
  });

  it("never prints the token, even when the hub rejects it", async () => {
    const unauthorized: Reply = { status: 401, json: { error: { code: "API_TOKEN_INVALID", message: "token rejected" } } };
    const r = await vigil(["hosts", "--token", "secret123"], { routes: { "/api/v1/hosts": unauthorized } });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain("secret123");
    const empty = await vigil(["hosts", "--token", " "]);
    expect(empty.stderr).toBe("vigil: --token: must not be empty\nRun 'vigil --help' for usage.\n");
  });
});

describe("help and version", () => {
  it("--version and -V print the version", async () => {
    expect(await vigil(["--version"])).toEqual({ code: 0, stdout: "vigil 9.9.9\n", stderr: "" });
    expect((await vigil(["-V"])).stdout).toBe("vigil 9.9.9\n");
  });

  it("--help, -h and help list every command", async () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const r = await vigil(argv);
      expect(r.code).toBe(0);
      for (const name of COMMANDS.keys()) expect(r.stdout).toContain(`\n  ${name}`);
      expect(r.stdout).toContain("Exit codes: 0 ok, 1 the hub answered with an error, 2 usage error, 3 the hub is unreachable.");
    }
  });

  it("help <command> and <command> --help show one command", async () => {
    const a = await vigil(["help", "host"]);
    const b = await vigil(["host", "--help"]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.startsWith("Usage: vigil host [options] <id>\n")).toBe(true);
  });

  it("help works without a usable hub configuration", async () => {
    const r = await vigil(["help"], { env: { VIGIL_HUB_URL: "not a url" } });
    expect(r.code).toBe(0);
  });
});

describe("the command table", () => {
  it("registers hosts and host first and help last, each under its own name", () => {
    const names = [...COMMANDS.keys()];
    expect(names.slice(0, 2)).toEqual(["hosts", "host"]);
    expect(names.at(-1)).toBe("help");
    for (const [name, command] of COMMANDS) expect(command.name).toBe(name);
  });

  it("takes a new command with its own options", async () => {
    const seen: unknown[] = [];
    const alerts: Command = {
      name: "alerts",
      args: [],
      summary: "list alerts",
      description: "Lists alerts.",
      options: { state: { type: "string" } },
      optionHelp: [["--state <state>", "only alerts in this state"]],
      async run(ctx) {
        seen.push(ctx.options.state, ctx.json);
        return 0;
      },
    };
    const commands = new Map([...COMMANDS, ["alerts", alerts]]);
    const io = captureIo();
    expect(await runCli(["--json", "alerts", "--state", "firing"], { env: {}, io, commands, version: "1" })).toBe(0);
    expect(seen).toEqual(["firing", true]);
    expect(await runCli(["help", "alerts"], { env: {}, io, commands, version: "1" })).toBe(0);
    expect(io.stdout()).toContain("Options:\n  --state <state>   only alerts in this state");
    expect(await runCli(["hosts", "--state", "firing"], { env: {}, io, commands, version: "1" })).toBe(2);
    expect(io.stderr()).toContain("vigil: unknown option --state");
  });
});
