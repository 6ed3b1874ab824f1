import type { NotifiedAlert, Notification } from "../../../../hub/notify/notification.ts";

/** 2026-11-23 14:03:11 UTC: a fixed time so rendered dates can be asserted. */
export const T0 = Date.UTC(2026, 10, 23, 14, 3, 11);

/** A GPU temperature alert as the hub's rules raise it, changed by `over`. */
export function gpuAlert(over: Partial<NotifiedAlert> = {}): NotifiedAlert {
  return {
    fingerprint: "9f2c4e1a7b3d5e60",
    rule: "GpuTemperatureHigh",
    status: "firing",
    severity: "critical",
    hostId: "gpu-box-1",
    labels: { gpu: "0", model: "NVIDIA GeForce RTX 4090" },
    value: 92.5,
    threshold: 90,
    startsAt: T0,
    endsAt: null,
    annotations: { summary: "GPU 0 on gpu-box-1 is at 92.5 °C" },
    source: "rules",
    ...over,
  };
}

export function notificationOf(alerts: NotifiedAlert[], over: Partial<Notification> = {}): Notification {
  return { id: 41, channel: "ops", route: "gpu", groupKey: "gpu", alerts, test: false, createdAt: T0, ...over };
}
