import { closeSync, createReadStream, createWriteStream, openSync, readSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";

/**
 * Level 1: on a 1 GiB hub database, level 1 took 23-37 s for a file of 31-34 % of the copy's size,
 * level 6 (gzip's default) 121 s for 27 % (docs/operations.md, "Backup cost").
 */
export const BACKUP_GZIP_LEVEL = 1;

/** Compresses `source` into `dest` as a stream (zlib works on libuv's thread pool, off the event loop). */
export async function gzipFile(source: string, dest: string, level = BACKUP_GZIP_LEVEL): Promise<void> {
  await pipeline(createReadStream(source), createGzip({ level }), createWriteStream(dest, { flags: "wx" }));
}

export async function gunzipFile(source: string, dest: string): Promise<void> {
  await pipeline(createReadStream(source), createGunzip(), createWriteStream(dest, { flags: "wx" }));
}

/** True when the file starts with gzip's magic bytes, whatever its name. */
export function isGzipFile(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}
