/**
 * sysusers.d and tmpfiles.d entries of a package. Declared rather than scripted: postinst applies them
 * with systemd-sysusers and systemd-tmpfiles (which honour DPKG_ROOT through --root, where adduser and
 * chown would act on the host instead), and systemd applies them again at boot should anything be missing.
 */

/** /usr/lib/sysusers.d/<package>.conf: the vigil system user, the same line in both packages. */
export function sysusersConf(): string {
  return [
    "# The user Vigil's services run as (systemd/vigil-*.service). No login shell, no home of its own.",
    'u vigil - "Vigil monitoring" /var/lib/vigil -',
    "",
  ].join("\n");
}

/**
 * /usr/lib/tmpfiles.d/<package>.conf: /etc/vigil, closed to others (configs may hold tokens), and the
 * program's data directory. The agent's also has run-if-active/, group-writable (setgid) so that a
 * job running as its own user in the group vigil can keep the hub's last answer there.
 */
export function tmpfilesConf(program: "agent" | "hub"): string {
  return [
    "# /etc/vigil holds configs and token files: readable by root and the vigil group only.",
    "d /etc/vigil 0750 root vigil -",
    "d /var/lib/vigil 0755 root root -",
    `d /var/lib/vigil/${program} 0750 vigil vigil -`,
    ...(program === "agent"
      ? [
          "# vigil-agent run-if-active, run by failover jobs as their own users (docs/failover.md).",
          "d /var/lib/vigil/agent/run-if-active 2770 vigil vigil -",
        ]
      : []),
    "",
  ].join("\n");
}
