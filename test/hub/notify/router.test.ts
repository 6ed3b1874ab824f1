import { describe, expect, it } from "vitest";
import { type RouteSpec, Router } from "../../../hub/notify/routing/router.ts";
import { gpuAlert } from "./support/alerts.ts";

const route = (over: Partial<RouteSpec> & Pick<RouteSpec, "channels">): RouteSpec => ({
  match: { labels: {} },
  groupBy: [],
  continue: false,
  ...over,
});

describe("routing", () => {
  it("sends every alert to every channel when no routes are configured", () => {
    expect(new Router([], ["slack", "mail"]).targets(gpuAlert())).toEqual([
      { route: null, channel: "slack", groupKey: "all" },
      { route: null, channel: "mail", groupKey: "all" },
    ]);
  });

  it("takes the first matching route by severity, rule, labels and source", () => {
    const router = new Router(
      [
        route({ name: "pager", match: { severity: ["critical"], labels: { team: "gpu" } }, channels: ["pager"] }),
        route({ name: "am", match: { source: "alertmanager", labels: {} }, channels: ["slack"] }),
        route({ name: "zfs", match: { rules: ["ZpoolDegraded"], labels: {} }, channels: ["mail"] }),
        route({ name: "rest", channels: ["slack"] }),
      ],
      ["pager", "slack", "mail"],
    );
    const names = (over: Parameters<typeof gpuAlert>[0]) => router.targets(gpuAlert(over)).map((t) => `${t.route}->${t.channel}`);
    expect(names({ labels: { team: "gpu" } })).toEqual(["pager->pager"]);
    expect(names({ labels: { team: "gpu" }, severity: "warning" })).toEqual(["rest->slack"]);
    expect(names({ source: "alertmanager", labels: {} })).toEqual(["am->slack"]);
    expect(names({ rule: "ZpoolDegraded" })).toEqual(["zfs->mail"]);
  });

  it("keeps looking after a route with continue, sends to a channel once, and names routes without a name by index", () => {
    const router = new Router(
      [
        route({ match: { severity: ["critical"], labels: {} }, channels: ["slack", "mail"], continue: true }),
        route({ channels: ["slack", "hook"] }),
      ],
      ["slack", "mail", "hook"],
    );
    expect(router.targets(gpuAlert())).toEqual([
      { route: "routes[0]", channel: "slack", groupKey: "routes[0]" },
      { route: "routes[0]", channel: "mail", groupKey: "routes[0]" },
      { route: "routes[1]", channel: "hook", groupKey: "routes[1]" },
    ]);
  });

  it("returns nothing when routes exist and none matches", () => {
    const router = new Router([route({ match: { severity: ["info"], labels: {} }, channels: ["slack"] })], ["slack"]);
    expect(router.targets(gpuAlert())).toEqual([]);
  });

  it("puts groupBy label values in the group key, an absent label as empty", () => {
    const router = new Router([route({ name: "gpu", channels: ["slack"], groupBy: ["gpu", "pool"] })], ["slack"]);
    expect(router.targets(gpuAlert())[0]?.groupKey).toBe('gpu{gpu="0",pool=""}');
  });
});
