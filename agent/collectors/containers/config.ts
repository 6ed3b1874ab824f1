import { z } from "zod";
import { duration } from "../../../shared/config/schema-helpers.ts";
import { runtimeLabel } from "./runtime-label.ts";

export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";
export const DEFAULT_PODMAN_SOCKET = "/run/podman/podman.sock";

/** The `runtime` label value: also how errors and logs name the runtime. */
const runtimeName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/, { error: "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit" });

/** A unix socket's path; `unix:///run/docker.sock` (DOCKER_HOST's spelling) is accepted too. TCP is not supported. */
const socketPath = z
  .string()
  .transform((path) => path.replace(/^unix:\/\//, ""))
  .refine((path) => path.startsWith("/"), { error: "expected the absolute path of a unix socket, such as /var/run/docker.sock" });

/** A runtime reached through the Docker Engine API on a unix socket (Docker itself, or Podman's compatible API). */
function engineRuntime<K extends "docker" | "podman">(kind: K, defaultSocket: string) {
  return z.strictObject({
    kind: z.literal(kind),
    /** Path of the API's unix socket. */
    socket: socketPath.default(defaultSocket),
    /** The `runtime` label; defaults to the kind. Needed only to tell two runtimes of one kind apart. */
    name: runtimeName.optional(),
  });
}

const nerdctlRuntime = z.strictObject({
  kind: z.literal("nerdctl"),
  /** The nerdctl executable: a bare name is looked up on PATH. */
  binary: z.string().min(1).default("nerdctl"),
  /** containerd namespace passed as `--namespace` (`default`, `k8s.io`, ...). */
  namespace: z.string().min(1).default("default"),
  /** The `runtime` label; defaults to "nerdctl". Needed only to tell two nerdctl namespaces apart. */
  name: runtimeName.optional(),
});

const runtime = z.discriminatedUnion(
  "kind",
  [engineRuntime("docker", DEFAULT_DOCKER_SOCKET), engineRuntime("podman", DEFAULT_PODMAN_SOCKET), nerdctlRuntime],
  {
    error: 'expected "docker", "podman" or "nerdctl"',
  },
);

export type RuntimeConfig = z.infer<typeof runtime>;

/** `collectors.containers`: Docker, Podman and nerdctl containers, their state, health and restarts. */
export const containersCollectorSchema = z.strictObject({
  /** On by default: with no runtime on the host the collector says "unavailable" once and stays quiet. */
  enabled: z.boolean().default(true),
  interval: duration({ min: "1s" }).default(15_000),
  /** For the whole cycle; each runtime gets 80 % of it, so one hung runtime cannot hide the others' containers. */
  timeout: duration({ min: "100ms" }).default(10_000),
  /** The runtimes asked each cycle; by default only Docker's usual socket. */
  runtimes: z
    .array(runtime)
    .min(1, { error: "list at least one runtime, or set enabled: false" })
    .superRefine((runtimes, ctx) => {
      const seen = new Map<string, number>();
      runtimes.forEach((r, i) => {
        const label = runtimeLabel(r);
        const first = seen.get(label);
        if (first === undefined) seen.set(label, i);
        else {
          ctx.addIssue({
            code: "custom",
            path: [i, "name"],
            message: `runtimes[${first}] is also called "${label}": give one of them a distinct name (it becomes the runtime label)`,
          });
        }
      });
    })
    .prefault([{ kind: "docker" }]),
});

export type ContainersConfig = z.infer<typeof containersCollectorSchema>;
