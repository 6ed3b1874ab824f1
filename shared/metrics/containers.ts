import { defineCatalog } from "./catalog.ts";

/** The values of `vigil_container_health`: Docker's health statuses, plus "none" for a container without a running healthcheck. */
export const CONTAINER_HEALTH_VALUES = ["healthy", "unhealthy", "starting", "none"] as const;

/**
 * What the containers collector emits for Docker, Podman (both through the Docker Engine API) and
 * nerdctl. Every per-container observation carries `runtime` (docker, podman, nerdctl or the name
 * configured for the runtime) and `name` (the container name without Docker's leading slash). The
 * container's id and image, which change when a container is recreated, are only on
 * `vigil_container_info`, so the identity of every other series survives an image update.
 */
export const CONTAINERS_CATALOG = defineCatalog({
  collector: "containers",
  series: {
    info: {
      name: "vigil_container_info",
      type: "gauge",
      help: "Always 1; carries the container's short id (12 hex digits) and image as labels.",
      labels: ["runtime", "name", "id", "image"],
    },
    restartsTotal: {
      name: "vigil_container_restarts_total",
      type: "counter",
      help: "Restarts by the runtime's restart policy since the container was created (Docker's RestartCount).",
      labels: ["runtime", "name"],
    },
    exitCode: {
      name: "vigil_container_exit_code",
      type: "gauge",
      help: "Exit code of the last run; only for exited, dead and restarting containers (a running container has none).",
      labels: ["runtime", "name"],
    },
    startTimeSeconds: {
      name: "vigil_container_start_time_seconds",
      type: "gauge",
      help: "When the container last started, in seconds since the epoch; absent for a container never started.",
      labels: ["runtime", "name"],
    },
    oomKilled: {
      name: "vigil_container_oom_killed",
      type: "gauge",
      help: "1 when the kernel's OOM killer ended the container's last run, else 0; absent where the runtime does not say (nerdctl).",
      labels: ["runtime", "name"],
    },
    healthFailingStreak: {
      name: "vigil_container_health_failing_streak",
      type: "gauge",
      help: "Consecutive failed healthchecks of a running container with a healthcheck.",
      labels: ["runtime", "name"],
    },
    runtimeUp: {
      name: "vigil_container_runtime_up",
      type: "gauge",
      help: "1 when the runtime answered this cycle, 0 when it is unavailable or failed (its containers are then absent, not gone).",
      labels: ["runtime"],
    },
  },
  states: {
    state: {
      name: "vigil_container_state",
      help: "The container's state as the runtime reports it (State.Status); unknown when the runtime gives none.",
      labels: ["runtime", "name"],
      values: ["created", "running", "paused", "restarting", "removing", "exited", "dead", "unknown"],
    },
    health: {
      name: "vigil_container_health",
      help: "Healthcheck status of a running container; none when it has no healthcheck or is not running.",
      labels: ["runtime", "name"],
      values: CONTAINER_HEALTH_VALUES,
    },
    runtimeStatus: {
      name: "vigil_container_runtime_status",
      help: "Whether the runtime answered this cycle: ok, unavailable (no socket, binary or permission) or error.",
      labels: ["runtime"],
      values: ["ok", "unavailable", "error"],
    },
  },
});
