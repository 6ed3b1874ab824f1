import { afterEach, describe, expect, it } from "vitest";
import { HubClient, type HubClientOptions } from "../../hub/cli/client.ts";
import { HubApiError, HubUnreachableError, InvalidResponseError } from "../../hub/cli/errors.ts";
import { Secret } from "../../shared/config/secret.ts";
import { type FakeHub, gpuBox, gpuLatest, healthyRoutes, hostList, type Reply, startFakeHub } from "./support/fake-hub.ts";
import { closedPort } from "./support/ports.ts";

let hub: FakeHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

async function clientFor(routes: Record<string, Reply>, opts: Partial<HubClientOptions> = {}): Promise<HubClient> {
  hub = await startFakeHub(routes);
  return new HubClient({ url: hub.url, timeoutMs: 2000, version: "9.9.9", ...opts });
}

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail("expected a rejection"),
    (err: unknown) => err,
  );
}

describe("HubClient: answers", () => {
  it("lists hosts, validated, and keeps the raw body", async () => {
    const client = await clientFor(healthyRoutes());
    const { data, raw } = await client.listHosts();
    expect(data).toEqual(hostList);
    expect(raw).toEqual(hostList);
  });

  it("gets one host and its latest values", async () => {
    const client = await clientFor(healthyRoutes());
    expect((await client.getHost("gpu-1")).data).toEqual(gpuBox);
    expect((await client.getHostLatest("gpu-1")).data).toEqual(gpuLatest);
  });

  it("sends the bearer token, JSON accept and its version; none when there is no token", async () => {
    const withToken = await clientFor(healthyRoutes(), { token: new Secret("secret123", "test") });
    await withToken.listHosts();
    expect(hub?.requests[0]?.headers).toMatchObject({
      authorization: "Bearer secret123",
      accept: "application/json",
      "user-agent": "vigil-cli/9.9.9",
    });
    await hub?.close();

    const without = await clientFor(healthyRoutes());
    await without.listHosts();
    expect(hub?.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("keeps a base path and encodes the id", async () => {
    hub = await startFakeHub({ "/vigil/api/v1/hosts/a%2Fb%20c/latest": { status: 200, json: gpuLatest } });
    const client = new HubClient({ url: `${hub.url}/vigil`, timeoutMs: 2000, version: "9.9.9" });
    await client.getHostLatest("a/b c");
    expect(hub.requests.map((r) => r.path)).toEqual(["/vigil/api/v1/hosts/a%2Fb%20c/latest"]);
  });

  it("shows its URL without credentials", () => {
    const client = new HubClient({ url: "https://ops:pw@hub.example/vigil/", timeoutMs: 1000, version: "1" });
    expect(client.displayUrl).toBe("https://hub.example/vigil");
    expect(new HubClient({ url: "http://127.0.0.1:9470/", timeoutMs: 1000, version: "1" }).displayUrl).toBe("http://127.0.0.1:9470");
  });
});

describe("HubClient: the hub's errors", () => {
  it("reads the hub's error body: code, message and field", async () => {
    const client = await clientFor(healthyRoutes());
    const err = await failure(client.getHostLatest("ghost"));
    expect(err).toBeInstanceOf(HubApiError);
    const apiErr = err as HubApiError;
    expect([apiErr.status, apiErr.code, apiErr.field, apiErr.exitCode]).toEqual([404, "HOST_NOT_FOUND", "id", 1]);
    expect(apiErr.render()).toBe('error HOST_NOT_FOUND: no host with id "ghost" has reported to this hub (field: id)');
  });

  it("lists the issues of an error body", async () => {
    const body = {
      error: {
        code: "QUERY_INVALID",
        message: "invalid query",
        issues: [
          { path: "limit", message: "expected a number" },
          { path: "", message: "too many filters" },
        ],
      },
    };
    const client = await clientFor({ "/api/v1/hosts": { status: 400, json: body } });
    const err = (await failure(client.listHosts())) as HubApiError;
    expect(err.render()).toBe(["error QUERY_INVALID: invalid query", "  - limit: expected a number", "  - too many filters"].join("\n"));
  });

  it("names the status when the body is not the hub's", async () => {
    const client = await clientFor({ "/api/v1/hosts": { status: 502, text: "<html>Bad Gateway</html>" } });
    const err = (await failure(client.listHosts())) as HubApiError;
    expect(err.render()).toBe("error HTTP_502: the hub answered 502 Bad Gateway without an error body");
    expect(err.exitCode).toBe(1);
  });

  it("hints at the token on 401, and never shows it", async () => {
    const unauthorized: Reply = { status: 401, json: { error: { code: "API_TOKEN_INVALID", message: "a bearer token is required" } } };
    const without = await clientFor({ "/api/v1/hosts": unauthorized });
    const err1 = (await failure(without.listHosts())) as HubApiError;
    expect(err1.render()).toBe(
      ["error API_TOKEN_INVALID: a bearer token is required", "hint: the hub wants a token: pass --token or set VIGIL_TOKEN"].join("\n"),
    );
    await hub?.close();

    const wrong = await clientFor({ "/api/v1/hosts": unauthorized }, { token: new Secret("secret123", "test") });
    const err2 = (await failure(wrong.listHosts())) as HubApiError;
    expect(err2.render()).toContain("hint: the hub did not accept the token given by --token or VIGIL_TOKEN");
    expect(err2.render()).not.toContain("secret123");
  });
});

describe("HubClient: unreadable answers", () => {
  it("says when a 2xx body is not JSON", async () => {
    const client = await clientFor({ "/api/v1/hosts": { status: 200, text: "{hosts: oops" } });
    const err = await failure(client.listHosts());
    expect(err).toBeInstanceOf(InvalidResponseError);
    expect((err as InvalidResponseError).render()).toBe("vigil: invalid response from the hub (GET /api/v1/hosts): the body is not JSON");
  });

  it("names the field that does not match the schema", async () => {
    const bad = { hosts: [{ ...gpuBox, lastSeen: "yesterday" }] };
    const client = await clientFor({ "/api/v1/hosts": { status: 200, json: bad } });
    const err = (await failure(client.listHosts())) as InvalidResponseError;
    expect(err.exitCode).toBe(1);
    expect(err.message).toMatch(/^invalid response from the hub \(GET \/api\/v1\/hosts\): hosts\[0\]\.lastSeen: .*"yesterday"/);
    expect(err.message).toMatch(/is the hub the same version as this vigil \(9\.9\.9\)\?$/);
  });

  it("lists at most three problems", async () => {
    const bad = { host: { id: 1 }, samples: "none", states: null };
    const client = await clientFor({ "/api/v1/hosts/x/latest": { status: 200, json: bad } });
    const err = (await failure(client.getHostLatest("x"))) as InvalidResponseError;
    expect(err.message).toMatch(/host\.id: .*; host\.hostname: .*; host\.labels: .* \(and \d+ more\)/);
  });
});

describe("HubClient: an unreachable hub", () => {
  it("says connection refused for a closed port (exit 3)", async () => {
    const port = await closedPort();
    const client = new HubClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 2000, version: "1" });
    const err = await failure(client.listHosts());
    expect(err).toBeInstanceOf(HubUnreachableError);
    expect((err as HubUnreachableError).exitCode).toBe(3);
    expect((err as HubUnreachableError).render()).toBe(
      `vigil: cannot reach the hub at http://127.0.0.1:${port} (connection refused): is vigil-hub running?`,
    );
  });

  it("gives up after the timeout when the hub does not answer", async () => {
    const client = await clientFor({ "/api/v1/hosts": "hang" }, { timeoutMs: 200 });
    const started = Date.now();
    const err = (await failure(client.listHosts())) as HubUnreachableError;
    expect(err).toBeInstanceOf(HubUnreachableError);
    expect(err.message).toBe(`the hub at ${hub?.url} did not answer within 200ms (see --timeout)`);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
