import { mibToBytes, NvidiaSmiOutputError, readNumber, readText } from "./smi-values.ts";
import { attribute, elements, textAt, withoutElements } from "./xml-elements.ts";

/** A MIG device (a compute instance inside a GPU instance) as `-q -x` lists it. */
export interface MigDevice {
  /** Its index within the parent GPU: the `mig` label. */
  index: string;
  gpuInstanceId: string | undefined;
  computeInstanceId: string | undefined;
  memoryTotalBytes: number | undefined;
  memoryUsedBytes: number | undefined;
}

/** A process on a GPU as `-q -x` lists it, graphics ones included. */
export interface XmlProcess {
  pid: string;
  /** `C` (compute), `G` (graphics) or `C+G`. */
  type: string | undefined;
  name: string;
  usedMemoryBytes: number | undefined;
  /** Set in MIG mode: the instance the process runs in. */
  gpuInstanceId: string | undefined;
  computeInstanceId: string | undefined;
}

export interface XmlGpu {
  /** The `id` attribute: the PCI bus id. */
  pciBusId: string | undefined;
  uuid: string | undefined;
  migMode: string | undefined;
  migDevices: MigDevice[];
  processes: XmlProcess[];
}

/** What the collector takes from `nvidia-smi -q -x`: what the query interface does not offer. */
export interface SmiXmlReport {
  driverVersion: string | undefined;
  cudaVersion: string | undefined;
  gpus: XmlGpu[];
}

const COMMAND = "nvidia-smi -q -x";

/**
 * Reads the CUDA version, and per GPU its MIG devices and processes, from `nvidia-smi -q -x`.
 * Handles DTD v10 to v13 (drivers 418 to 595), with or without the DOCTYPE line. A document without
 * an `<nvidia_smi_log>` root is an error.
 */
export function parseSmiXml(text: string): SmiXmlReport {
  const log = elements(text, "nvidia_smi_log")[0];
  if (log === undefined) {
    const first = text.trim().split("\n", 1)[0]?.slice(0, 120) ?? "";
    throw new NvidiaSmiOutputError(`${COMMAND}: no <nvidia_smi_log> element (output starts ${JSON.stringify(first)})`);
  }
  const header = withoutElements(log.inner, ["gpu"]);
  return {
    driverVersion: readText(textAt(header, "driver_version")),
    cudaVersion: readText(textAt(header, "cuda_version")),
    gpus: elements(log.inner, "gpu").map((gpu) => readGpu(gpu.inner, attribute(gpu.attributes, "id"))),
  };
}

function readGpu(xml: string, pciBusId: string | undefined): XmlGpu {
  const where = `${COMMAND}: GPU ${pciBusId ?? "?"}`;
  // MIG devices and processes hold elements named like the GPU's own (fb_memory_usage, perhaps uuid).
  const own = withoutElements(xml, ["mig_devices", "processes", "accounted_processes"]);
  const migList = elements(xml, "mig_devices")[0]?.inner ?? "";
  const processList = elements(xml, "processes")[0]?.inner ?? "";
  return {
    pciBusId,
    uuid: readText(textAt(own, "uuid")),
    migMode: readText(textAt(own, "mig_mode", "current_mig")),
    migDevices: elements(migList, "mig_device").map((d, i) => readMigDevice(d.inner, `${where}: mig_device ${i + 1}`)),
    processes: elements(processList, "process_info").map((p, i) => readProcess(p.inner, `${where}: process_info ${i + 1}`)),
  };
}

function readMigDevice(xml: string, where: string): MigDevice {
  const index = readText(textAt(xml, "index"));
  if (index === undefined) throw new NvidiaSmiOutputError(`${where}: index is missing`);
  return {
    index,
    gpuInstanceId: readText(textAt(xml, "gpu_instance_id")),
    computeInstanceId: readText(textAt(xml, "compute_instance_id")),
    memoryTotalBytes: mibToBytes(readNumber(textAt(xml, "fb_memory_usage", "total"), `${where}: fb_memory_usage/total`)),
    memoryUsedBytes: mibToBytes(readNumber(textAt(xml, "fb_memory_usage", "used"), `${where}: fb_memory_usage/used`)),
  };
}

function readProcess(xml: string, where: string): XmlProcess {
  const pid = readText(textAt(xml, "pid"));
  if (pid === undefined || !/^\d+$/.test(pid))
    throw new NvidiaSmiOutputError(`${where}: pid: expected a number, got ${JSON.stringify(pid)}`);
  return {
    pid,
    type: readText(textAt(xml, "type")),
    name: readText(textAt(xml, "process_name")) ?? "",
    usedMemoryBytes: mibToBytes(readNumber(textAt(xml, "used_memory"), `${where}: used_memory`)),
    gpuInstanceId: readText(textAt(xml, "gpu_instance_id")),
    computeInstanceId: readText(textAt(xml, "compute_instance_id")),
  };
}
