import { execFile } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const ROOT = join(import.meta.dirname, "..", "..");
const STATIC = join(ROOT, "hub", "ui", "static");

/**
 * The browser modules are plain JavaScript (the project's TypeScript has no DOM library: adding it
 * breaks the Node typing of fetch bodies elsewhere), checked here by TypeScript with the DOM library
 * and their JSDoc: a misspelt property or a wrong call into the view models fails this test.
 */
describe("the dashboard's browser modules", () => {
  it("type-check against the DOM and the view models they import", async () => {
    const dir = tempDir();
    const config = join(dir, "tsconfig.json");
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: {
          target: "es2024",
          lib: ["es2024", "dom", "dom.iterable"],
          module: "nodenext",
          moduleResolution: "nodenext",
          allowJs: true,
          checkJs: true,
          noEmit: true,
          strict: true,
          // JSDoc types the values that matter; API answers are left untyped (any).
          noImplicitAny: false,
          skipLibCheck: true,
          allowImportingTsExtensions: true,
          types: ["node"],
          typeRoots: [join(ROOT, "node_modules", "@types")],
        },
        files: readdirSync(STATIC)
          .filter((f) => f.endsWith(".js"))
          .map((f) => join(STATIC, f)),
      }),
    );
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const result = await promisify(execFile)(process.execPath, [tsc, "-p", config], { cwd: ROOT }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: err.stdout + err.stderr }),
    );
    expect(result.out).toBe("");
    expect(result.code).toBe(0);
  });
});
