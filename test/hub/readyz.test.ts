import { describe, expect, it, vi } from "vitest";
import { useTempDirs } from "../support/temp-dir.ts";
import { makeTestHub } from "./registry-helpers.ts";

const tempDir = useTempDirs();

describe("GET /readyz", () => {
  it("asks the database each time without preparing a statement per check, and is not ready once the database is closed", async () => {
    const h = makeTestHub(tempDir());
    expect(await (await h.request("/readyz")).json()).toEqual({ status: "ready", version: "test" });
    const prepare = vi.spyOn(h.store.db, "prepare");
    for (let i = 0; i < 500; i++) expect((await h.request("/readyz")).status).toBe(200);
    expect(prepare).not.toHaveBeenCalled();
    prepare.mockRestore();

    // The reused statement still runs against the database: a closed one fails the check.
    h.store.close();
    const res = await h.request("/readyz");
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: "INTERNAL", message: "internal error; see the hub's log" } });
    expect(h.logs.some((l) => l.includes("The database connection is not open"))).toBe(true);
  });
});
