import { displayCommand } from "../../../shared/process/run-command.ts";
import { type ContainerStatus, joinListAndInspect } from "./container-status.ts";
import { runNerdctl } from "./exec.ts";
import { parseInspectArray } from "./parse-inspect.ts";
import { parseNerdctlPs } from "./parse-nerdctl-ps.ts";

export interface NerdctlTarget {
  binary: string;
  namespace: string;
}

/** The argv of the list: full ids (`--no-trunc`), one JSON object per line. */
export function psArgs(namespace: string): string[] {
  return ["--namespace", namespace, "ps", "-a", "--no-trunc", "--format", "{{json .}}"];
}

/** The argv of one inspect of every listed container, in Docker's format (nerdctl's default, asked for explicitly). */
export function inspectArgs(namespace: string, ids: readonly string[]): string[] {
  return ["--namespace", namespace, "container", "inspect", "--mode=dockercompat", ...ids];
}

/** Every container of one containerd namespace, through two nerdctl runs: `ps`, then one `inspect` of all. */
export async function readNerdctlContainers(target: NerdctlTarget, signal: AbortSignal, timeoutMs: number): Promise<ContainerStatus[]> {
  const ps = await runNerdctl(target.binary, psArgs(target.namespace), { timeoutMs, signal });
  const listed = parseNerdctlPs(ps.stdout, displayCommand(target.binary, psArgs(target.namespace)));
  const ids = [...new Set(listed.map((c) => c.id))];
  if (ids.length === 0) return [];

  const args = inspectArgs(target.namespace, ids);
  const shown = displayCommand(target.binary, [...args.slice(0, 5), "..."]);
  // Exit 1 with output: a container was removed after `ps`; nerdctl 2 still prints the others. nerdctl 1
  // printed nothing then: that cycle fails, and the next one lists afresh.
  const inspect = await runNerdctl(target.binary, args, { timeoutMs, signal, okExitCodes: [0, 1] });
  if (inspect.exitCode !== 0 && inspect.stdout.trim() === "") {
    const why = inspect.stderr.trim().split("\n", 1)[0] ?? "";
    throw new Error(`${shown}: exited with ${inspect.exitCode} and printed nothing${why === "" ? "" : `: ${why.slice(0, 300)}`}`);
  }
  return joinListAndInspect(listed, parseInspectArray(inspect.stdout, shown));
}
