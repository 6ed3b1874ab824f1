import { z } from "zod";
import { duration } from "../../../shared/config/schema-helpers.ts";

/** `collectors.gpu`: NVIDIA GPUs through nvidia-smi. On by default: without nvidia-smi it is only "unavailable". */
export const gpuCollectorSchema = z.strictObject({
  enabled: z.boolean().default(true),
  interval: duration({ min: "1s" }).default(10_000),
  /**
   * Budget for one cycle (up to three nvidia-smi calls). Generous because, without persistence mode,
   * each call makes the driver initialise every GPU first, which can take seconds.
   */
  timeout: duration({ min: "100ms" }).default(8_000),
  /** The nvidia-smi executable: a bare name is looked up on PATH, or give an absolute path. */
  nvidiaSmiPath: z.string().min(1, { error: "expected the nvidia-smi executable's name or path" }).default("nvidia-smi"),
  /** Report compute processes (pid, name, memory) with `--query-compute-apps`. */
  processes: z.boolean().default(true),
  /**
   * Read `nvidia-smi -q -x` for what the query interface lacks: the CUDA version (at start and when the
   * driver version changes) and MIG instances (every cycle while a GPU is in MIG mode). Turn off if
   * that command misbehaves on a driver: the CUDA version and MIG series then go missing.
   */
  xml: z.boolean().default(true),
});

export type GpuCollectorConfig = z.infer<typeof gpuCollectorSchema>;
