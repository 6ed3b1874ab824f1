import { CONTAINERS_CATALOG } from "../../shared/metrics/containers.ts";
import { GPU_CATALOG } from "../../shared/metrics/gpu.ts";
import { PROBES_CATALOG } from "../../shared/metrics/probes.ts";
import { SYSTEM_CATALOG } from "../../shared/metrics/system.ts";
import { UNITS_CATALOG } from "../../shared/metrics/units.ts";
import { ZFS_CATALOG } from "../../shared/metrics/zfs.ts";
import type { RuleConfig } from "./rule-schema.ts";

const MINUTE = 60_000;

/**
 * The rules every hub has without a line of config (docs/alerts.md lists them with the reasoning
 * behind each threshold). Each refers to its series or state through the collector catalogs, so a
 * renamed catalog entry breaks the build here instead of silently never alerting. Overridden or
 * disabled under `builtinRules.<name>`.
 */
export const BUILTIN_RULES = {
  "host-down": {
    name: "host-down",
    description: "The host's agent has missed three push (or scrape) intervals.",
    hostDown: true,
    severity: "critical",
    annotations: {
      summary: "{{host}} is down",
      description: "{{host}} has not reported for {{value}} s (down after {{threshold}} s without a heartbeat).",
    },
  },
  "gpu-temperature": {
    name: "gpu-temperature",
    description: "GPU core temperature; most NVIDIA cards start slowing their clocks in the high 80s °C.",
    series: GPU_CATALOG.series.temperatureCelsius.name,
    condition: ">",
    warning: 83,
    critical: 90,
    clear: { warning: 80, critical: 87 },
    for: 2 * MINUTE,
    annotations: {
      summary: "GPU {{labels.gpu}} on {{host}} at {{value}} °C",
      description: "{{labels.name}} (GPU {{labels.gpu}}) on {{host}} is at {{value}} °C, above {{threshold}} °C since {{since}}.",
    },
  },
  "gpu-ecc-uncorrected": {
    name: "gpu-ecc-uncorrected",
    description: "Uncorrected (double-bit) ECC errors since the driver loaded: data in GPU memory was corrupted.",
    series: GPU_CATALOG.series.eccErrorsUncorrectedVolatileTotal.name,
    condition: ">",
    critical: 0,
    annotations: {
      summary: "GPU {{labels.gpu}} on {{host}} has {{value}} uncorrected ECC errors",
      description:
        "{{labels.name}} (GPU {{labels.gpu}}) on {{host}} reported {{value}} uncorrected ECC errors since the driver loaded; results computed on it may be wrong.",
    },
  },
  "filesystem-capacity": {
    name: "filesystem-capacity",
    description: "Filesystem space in use. ZFS datasets are left to pool-capacity (their df figures follow the pool's free space).",
    series: SYSTEM_CATALOG.series.filesystemUsedPercent.name,
    labels: { fstype: { notOneOf: ["zfs", "iso9660", "squashfs"] } },
    condition: ">",
    warning: 85,
    critical: 95,
    clear: { warning: 83, critical: 93 },
    for: 5 * MINUTE,
    annotations: {
      summary: "{{labels.mountpoint}} on {{host}} is {{value}} % full",
      description: "{{labels.mountpoint}} ({{labels.device}}) on {{host}} is {{value}} % full, above {{threshold}} % since {{since}}.",
    },
  },
  "pool-capacity": {
    name: "pool-capacity",
    description: "ZFS pool capacity; ZFS slows down as a pool fills, badly past about 90 %.",
    series: ZFS_CATALOG.series.poolCapacityPercent.name,
    condition: ">",
    warning: 85,
    critical: 95,
    clear: { warning: 83, critical: 93 },
    for: 5 * MINUTE,
    annotations: {
      summary: "ZFS pool {{labels.pool}} on {{host}} is {{value}} % full",
      description: "ZFS pool {{labels.pool}} on {{host}} is {{value}} % allocated, above {{threshold}} % since {{since}}.",
    },
  },
  "pool-not-online": {
    name: "pool-not-online",
    description: "A ZFS pool is not ONLINE (DEGRADED, FAULTED, UNAVAIL, SUSPENDED...).",
    state: ZFS_CATALOG.states.poolHealth.name,
    condition: "!=",
    value: "ONLINE",
    severity: "critical",
    annotations: {
      summary: "ZFS pool {{labels.pool}} on {{host}} is {{state}}",
      description: "ZFS pool {{labels.pool}} on {{host}} is {{state}} since {{since}}; see zpool status {{labels.pool}}.",
    },
  },
  "pool-scrub-errors": {
    name: "pool-scrub-errors",
    description: "The last scrub or resilver of a ZFS pool found errors.",
    series: ZFS_CATALOG.series.poolScanErrors.name,
    condition: ">",
    critical: 0,
    annotations: {
      summary: "Scrub of ZFS pool {{labels.pool}} on {{host}} found {{value}} errors",
      description:
        "The last scrub or resilver of {{labels.pool}} on {{host}} ended with {{value}} errors; see zpool status -v {{labels.pool}}.",
    },
  },
  "pool-data-errors": {
    name: "pool-data-errors",
    description: "A ZFS pool's error log lists data errors (files with permanent errors).",
    series: ZFS_CATALOG.series.poolDataErrors.name,
    condition: ">",
    critical: 0,
    annotations: {
      summary: "ZFS pool {{labels.pool}} on {{host}} has {{value}} data errors",
      description:
        "zpool status reports {{value}} data errors in {{labels.pool}} on {{host}}; zpool status -v {{labels.pool}} lists the files.",
    },
  },
  "container-unhealthy": {
    name: "container-unhealthy",
    description: "A container's healthcheck reports unhealthy.",
    state: CONTAINERS_CATALOG.states.health.name,
    condition: "==",
    value: "unhealthy",
    severity: "warning",
    for: MINUTE,
    annotations: {
      summary: "Container {{labels.name}} on {{host}} is unhealthy",
      description: "{{labels.runtime}} container {{labels.name}} on {{host}} has failed its healthcheck since {{since}}.",
    },
  },
  "unit-failed": {
    name: "unit-failed",
    description: "A systemd unit is in the failed state.",
    state: UNITS_CATALOG.states.activeState.name,
    condition: "==",
    value: "failed",
    severity: "critical",
    annotations: {
      summary: "{{labels.unit}} failed on {{host}}",
      description: "systemd unit {{labels.unit}} on {{host}} is failed since {{since}}; see journalctl -u {{labels.unit}}.",
    },
  },
  "probe-failing": {
    name: "probe-failing",
    description: "An HTTP, TCP or Ollama probe has been failing for two minutes (stale freshness has its own rule).",
    state: PROBES_CATALOG.states.status.name,
    condition: "!=",
    value: ["ok", "stale"],
    severity: "critical",
    for: 2 * MINUTE,
    annotations: {
      summary: "Probe {{labels.probe}} on {{host}} is failing: {{state}}",
      description: "{{labels.kind}} probe {{labels.probe}} on {{host}} has been failing ({{state}}) since {{since}}.",
    },
  },
  "freshness-exceeded": {
    name: "freshness-exceeded",
    description: "A freshness probe's timestamp is older than its maxAge.",
    state: PROBES_CATALOG.states.status.name,
    labels: { kind: "freshness" },
    condition: "==",
    value: "stale",
    severity: "warning",
    annotations: {
      summary: "{{labels.probe}} on {{host}} is stale",
      description: "The timestamp checked by {{labels.probe}} on {{host}} is older than its maxAge since {{since}}.",
    },
  },
  "cpu-usage": {
    name: "cpu-usage",
    description: "Whole-host CPU busy time, sustained for ten minutes (single cores are not alerted on).",
    series: SYSTEM_CATALOG.series.cpuUsagePercent.name,
    labels: { cpu: "total" },
    condition: ">",
    warning: 70,
    critical: 85,
    clear: { warning: 65, critical: 80 },
    for: 10 * MINUTE,
    annotations: {
      summary: "CPU on {{host}} at {{value}} %",
      description: "CPU use on {{host}} has been above {{threshold}} % since {{since}} (now {{value}} %).",
    },
  },
  "memory-usage": {
    name: "memory-usage",
    description: "Memory in use (100 - MemAvailable %), sustained for ten minutes.",
    series: SYSTEM_CATALOG.series.memoryUsedPercent.name,
    condition: ">",
    warning: 80,
    critical: 90,
    clear: { warning: 77, critical: 87 },
    for: 10 * MINUTE,
    annotations: {
      summary: "Memory on {{host}} at {{value}} %",
      description: "Memory use on {{host}} has been above {{threshold}} % since {{since}} (now {{value}} %).",
    },
  },
} satisfies Record<string, RuleConfig>;

export type BuiltinRuleName = keyof typeof BUILTIN_RULES;
export const BUILTIN_RULE_NAMES = Object.keys(BUILTIN_RULES) as BuiltinRuleName[];
