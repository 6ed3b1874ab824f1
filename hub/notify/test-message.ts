import type { Notification } from "./notification.ts";

/** The message `vigil test-notify <channel>` sends: one info alert that says what it is. */
export function testNotification(channel: string, now: number): Notification {
  return {
    id: 0,
    channel,
    route: null,
    groupKey: "test",
    test: true,
    createdAt: now,
    alerts: [
      {
        fingerprint: `test-${now}`,
        rule: "VigilTestNotification",
        status: "firing",
        severity: "info",
        hostId: null,
        labels: {},
        value: null,
        threshold: null,
        startsAt: now,
        endsAt: null,
        annotations: { summary: `Test message from vigil test-notify: channel "${channel}" works.` },
        source: "rules",
      },
    ],
  };
}
