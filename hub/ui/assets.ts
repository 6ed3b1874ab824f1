import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";

/** One file the dashboard serves, read once and kept with its gzip form and validator. */
export interface Asset {
  body: Buffer;
  gzip: Buffer;
  etag: string;
  contentType: string;
}

/** The three places assets come from: hand-written browser modules and CSS, compiled view models, uPlot. */
export type AssetKind = "static" | "model" | "vendor";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** File names only: no folder, no dot-dot, no source maps or TypeScript sources. */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]*(\.[a-z]+)?\.(js|css)$/;

/** The uPlot files served under /ui/vendor/, from its npm package. */
const VENDOR: Record<string, string> = { "uPlot.esm.js": "uplot/dist/uPlot.esm.js", "uPlot.min.css": "uplot/dist/uPlot.min.css" };

export interface AssetDirs {
  /** Hand-written browser modules and CSS, searched in order. */
  static: readonly string[];
  /** The view models compiled from hub/ui/model/*.ts. */
  model: string;
}

/**
 * Where the files are, for the three ways the hub runs. `here` is this module's folder:
 * - from the sources (tests, type stripping): hub/ui/, so hub/ui/static/; the models are .ts there
 *   and only the compiled hub serves them;
 * - built into dist/ by tsc, which copies nothing but what it compiles: dist/hub/ui/model/ holds
 *   the compiled models, and the static files are found in the sources beside dist/;
 * - the .deb: packaging copies every non-TypeScript file beside the sources into dist/ (stage.ts),
 *   so dist/hub/ui/static/ is there.
 */
export function assetDirs(here: string = import.meta.dirname): AssetDirs {
  return { static: [join(here, "static"), join(here, "..", "..", "..", "hub", "ui", "static")], model: join(here, "model") };
}

/** Reads assets on first use and keeps them: they never change while the hub runs. */
export class AssetStore {
  readonly #dirs: AssetDirs;
  readonly #cache = new Map<string, Asset | null>();
  readonly #require = createRequire(import.meta.url);

  constructor(dirs: AssetDirs = assetDirs()) {
    this.#dirs = dirs;
  }

  /** The asset, or undefined for a name that is not one (unknown, malformed, or a path). */
  get(kind: AssetKind, name: string): Asset | undefined {
    const key = `${kind}/${name}`;
    let asset = this.#cache.get(key);
    if (asset === undefined) {
      const file = this.#locate(kind, name);
      asset = file === undefined ? null : load(file);
      this.#cache.set(key, asset);
    }
    return asset ?? undefined;
  }

  #locate(kind: AssetKind, name: string): string | undefined {
    if (kind === "vendor") {
      const spec = VENDOR[name];
      return spec === undefined ? undefined : this.#require.resolve(spec);
    }
    if (!NAME.test(name)) return undefined;
    const dirs = kind === "model" ? [this.#dirs.model] : this.#dirs.static;
    return dirs.map((d) => join(d, name)).find((f) => existsSync(f));
  }
}

function load(file: string): Asset {
  const body = readFileSync(file);
  return {
    body,
    gzip: gzipSync(body),
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
    contentType: CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
  };
}
