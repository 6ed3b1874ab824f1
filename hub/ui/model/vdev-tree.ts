import type { ViewEntity } from "../../../shared/api/views.ts";
import type { ZFS_CATALOG } from "../../../shared/metrics/zfs.ts";

/** Catalog keys of a pool's vdev details (typed, so a renamed key is a compile error). */
type ZfsKey = keyof (typeof ZFS_CATALOG)["series"] | keyof (typeof ZFS_CATALOG)["states"];
const KEY = {
  state: "vdevState",
  read: "vdevReadErrors",
  write: "vdevWriteErrors",
  checksum: "vdevChecksumErrors",
} as const satisfies Record<string, ZfsKey>;

/** One row of a pool's vdev tree, as zpool status prints it: the pool, a mirror, a disk. */
export interface VdevNode {
  name: string;
  /** pool (the root row), data, logs, cache, spares, special or dedup. */
  section: string;
  state: string | undefined;
  /** Error counters; undefined where zpool prints none (spares), never 0 in their place. */
  read: number | undefined;
  write: number | undefined;
  checksum: number | undefined;
  children: VdevNode[];
}

/** Sections in the order zpool status prints them. */
const SECTION_ORDER = ["pool", "data", "special", "dedup", "logs", "cache", "spares"];

/**
 * Rebuilds the vdev tree of one pool from its view entity (GET /api/v1/hosts/:id/pools): each row
 * is a detail with the labels vdev, section and parent (the name of the row it is indented under).
 * Returns the root rows: normally one, the pool itself; rows whose parent never reported are kept
 * at the top rather than dropped.
 */
export function buildVdevTree(pool: ViewEntity): VdevNode[] {
  const nodes = new Map<string, VdevNode>();
  const parents = new Map<VdevNode, string>();
  for (const d of pool.details) {
    const name = d.labels.vdev;
    if (name === undefined) continue;
    const section = d.labels.section ?? "data";
    const key = `${section}\u0000${name}`;
    let node = nodes.get(key);
    if (!node) {
      node = { name, section, state: undefined, read: undefined, write: undefined, checksum: undefined, children: [] };
      nodes.set(key, node);
      parents.set(node, d.labels.parent ?? "");
    }
    if (d.key === KEY.state) node.state = d.state;
    else if (d.key === KEY.read) node.read = d.value;
    else if (d.key === KEY.write) node.write = d.value;
    else if (d.key === KEY.checksum) node.checksum = d.value;
  }

  const roots: VdevNode[] = [];
  for (const [node, parentName] of parents) {
    // A parent is found in the same section first (spare-0's disks), then anywhere (top-level vdevs under the pool row).
    const parent =
      parentName === ""
        ? undefined
        : (nodes.get(`${node.section}\u0000${parentName}`) ?? [...nodes.values()].find((n) => n.name === parentName && n !== node));
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const order = (list: VdevNode[]) => {
    list.sort((a, b) => sectionRank(a.section) - sectionRank(b.section) || a.name.localeCompare(b.name, "en", { numeric: true }));
    for (const n of list) order(n.children);
  };
  order(roots);
  return roots;
}

function sectionRank(section: string): number {
  const i = SECTION_ORDER.indexOf(section);
  return i === -1 ? SECTION_ORDER.length : i;
}

/** The tree as a flat list with depths, for a table. */
export function flattenVdevTree(roots: readonly VdevNode[]): Array<{ node: VdevNode; depth: number }> {
  const rows: Array<{ node: VdevNode; depth: number }> = [];
  const walk = (list: readonly VdevNode[], depth: number) => {
    for (const node of list) {
      rows.push({ node, depth });
      walk(node.children, depth + 1);
    }
  };
  walk(roots, 0);
  return rows;
}

/** True when any counter of any row is above zero. */
export function hasVdevErrors(roots: readonly VdevNode[]): boolean {
  return flattenVdevTree(roots).some(({ node }) => (node.read ?? 0) > 0 || (node.write ?? 0) > 0 || (node.checksum ?? 0) > 0);
}
