import { defineCatalog } from "./catalog.ts";

/**
 * The agent's own series. The collector ones are emitted by the scheduler with every cycle, so they
 * travel to the hub like any sample; the outbox, push and pull ones are rendered live by the agent's
 * /metrics from its store and counters. Counters marked "persisted" survive restarts.
 */
export const AGENT_CATALOG = defineCatalog({
  collector: "agent",
  series: {
    collectorUp: {
      name: "vigil_collector_up",
      type: "gauge",
      help: "1 when the collector's last cycle succeeded, 0 when it failed or the collector is unavailable.",
      labels: ["collector"],
    },
    collectorDurationSeconds: {
      name: "vigil_collector_duration_seconds",
      type: "gauge",
      help: "Wall time of the collector's last cycle.",
      labels: ["collector"],
    },
    collectorErrorsTotal: {
      name: "vigil_collector_errors_total",
      type: "counter",
      help: "Collector cycles that failed (an error or a timeout) since the agent started.",
      labels: ["collector"],
    },
    collectorDroppedObservationsTotal: {
      name: "vigil_collector_dropped_observations_total",
      type: "counter",
      help: "Observations dropped because the hub would refuse them (NaN, a malformed name) since the agent started.",
      labels: ["collector"],
    },
    outboxBatches: { name: "vigil_outbox_batches", type: "gauge", help: "Sealed batches waiting to be delivered to the hub.", labels: [] },
    outboxSamples: { name: "vigil_outbox_samples", type: "gauge", help: "Samples in the batches waiting to be delivered.", labels: [] },
    outboxBytes: {
      name: "vigil_outbox_bytes",
      type: "gauge",
      help: "Bytes (gzip-compressed) of the batches kept in the outbox, rejected ones included; bounded by store.outboxMaxBytes.",
      labels: [],
    },
    outboxMaxBytes: { name: "vigil_outbox_max_bytes", type: "gauge", help: "The outbox bound (store.outboxMaxBytes).", labels: [] },
    outboxOldestAgeSeconds: {
      name: "vigil_outbox_oldest_age_seconds",
      type: "gauge",
      help: "Age of the oldest batch waiting to be delivered; absent when the outbox is empty.",
      labels: [],
    },
    outboxDroppedBatchesTotal: {
      name: "vigil_outbox_dropped_batches_total",
      type: "counter",
      help: "Unsent batches dropped, oldest first, because the outbox passed its bound (persisted).",
      labels: [],
    },
    outboxDroppedSamplesTotal: {
      name: "vigil_outbox_dropped_samples_total",
      type: "counter",
      help: "Samples in the batches dropped at the outbox bound (persisted).",
      labels: [],
    },
    outboxRejectedBatchesTotal: {
      name: "vigil_outbox_rejected_batches_total",
      type: "counter",
      help: "Batches the hub refused as invalid (400/413/422); kept aside, never resent (persisted).",
      labels: [],
    },
    pushBatchesTotal: {
      name: "vigil_push_batches_total",
      type: "counter",
      help: "Batches the hub acknowledged since the agent started, duplicates included.",
      labels: [],
    },
    pushDuplicateAcksTotal: {
      name: "vigil_push_duplicate_acks_total",
      type: "counter",
      help: "Acknowledgements of batches the hub already had (a resend after a lost answer) since the agent started.",
      labels: [],
    },
    pushFailuresTotal: {
      name: "vigil_push_failures_total",
      type: "counter",
      help: "Push attempts that failed and will be retried (unreachable hub, 429, 5xx, 401/403) since the agent started.",
      labels: [],
    },
    pushLastSuccessAgeSeconds: {
      name: "vigil_push_last_success_age_seconds",
      type: "gauge",
      help: "Seconds since the hub last acknowledged a batch; absent before the first acknowledgement.",
      labels: [],
    },
    pullBatchesServedTotal: {
      name: "vigil_pull_batches_served_total",
      type: "counter",
      help: "Batches handed to a pulling hub by GET /api/v1/samples since the agent started.",
      labels: [],
    },
    agentInfo: {
      name: "vigil_agent_info",
      type: "gauge",
      help: "Always 1; the labels say which agent and version this is, and whether it pushes or is pulled.",
      labels: ["agent_id", "version", "mode"],
    },
  },
  states: {},
});
