import type { BundledPackage } from "./node-modules.ts";

const MIT = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
USE OR OTHER DEALINGS IN THE SOFTWARE.`;

export interface CopyrightOptions {
  /** Vigil's license, from package.json (MIT). */
  license: string;
  /** Where the package puts its runtime and modules: /usr/lib/vigil/agent. */
  libDir: string;
  nodeVersion: string;
  bundled: readonly BundledPackage[];
  /** The year of the build, for the copyright notice. */
  year: number;
}

/**
 * /usr/share/doc/<package>/copyright, in plain text rather than the machine-readable format: the
 * bundled runtime and modules keep their own license files beside them, which this file points to.
 */
export function renderCopyright(o: CopyrightOptions): string {
  if (o.license !== "MIT") throw new Error(`package.json license is ${o.license}: packaging/copyright.ts only has the MIT text`);
  const width = Math.max(...o.bundled.map((p) => `${p.name} ${p.version}`.length));
  // A module installed at several places (nested copies of one version) is listed once.
  const modules = [
    ...new Set(
      [...o.bundled].sort((a, b) => a.name.localeCompare(b.name)).map((p) => `  ${`${p.name} ${p.version}`.padEnd(width)}  ${p.license}`),
    ),
  ];
  return [
    "Vigil: monitoring for self-hosted AI boxes.",
    "",
    `Copyright (c) ${o.year} the Vigil contributors`,
    `License: ${o.license}`,
    "",
    MIT,
    "",
    "Bundled with it, each under its own license:",
    "",
    `- Node.js ${o.nodeVersion} (MIT and, for the libraries it includes, others): ${o.libDir}/node/LICENSE`,
    "  holds Node's license followed by the license of every library inside it.",
    "",
    `- npm packages in ${o.libDir}/node_modules/, each with its license file in its own folder:`,
    "",
    ...modules,
    "",
    "Apache-2.0: /usr/share/common-licenses/Apache-2.0.",
    "",
  ].join("\n");
}
