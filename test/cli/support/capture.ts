import type { Io } from "../../../hub/cli/command.ts";

/** An Io that keeps what a command wrote, as text with a newline after each write. */
export function captureIo(): Io & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  return {
    out: (text) => {
      out += `${text}\n`;
    },
    err: (text) => {
      err += `${text}\n`;
    },
    stdout: () => out,
    stderr: () => err,
  };
}
