// The ISC preflight's pure parts: the probe's command (values as data), its parsing, and the rule.
import { describe, expect, it } from "vitest";
import { ISC_PROBE_SCRIPT, iscMissingPermissions, iscProbeCommand, parseIscProbe, type IscAccess } from "../../../src/backends/isc/permissions";
import { iscServer } from "../../../src/backends/isc/schema";

const server = iscServer.parse({
  name: "dhcp1",
  address: "192.0.2.11",
  configPath: "/etc/dhcp/dhcpd.conf",
  restart: ["sudo", "-n", "/usr/sbin/service", "isc-dhcp-server", "restart"],
  ssh: { host: "dhcp1.example", username: "dhcpops", hostKeySha256: `SHA256:${"A".repeat(43)}`, privateKey: "KEY" },
});

const able: IscAccess = {
  user: "dhcpops",
  uid: 1001,
  configReadable: true,
  configWritable: true,
  configOwned: true,
  dirWritable: true,
  dirSticky: false,
  backupExists: false,
  backupWritable: false,
  lockExists: false,
  lockOwned: false,
  lockDirWritable: true,
  dhcpdPath: "/usr/sbin/dhcpd",
  dhcpdExecutable: true,
  flockPath: "/usr/bin/flock",
  isRunningPath: "/usr/bin/systemctl",
  restart: { via: "sudo", allowed: true, said: "/usr/sbin/service isc-dhcp-server restart" },
};

const permissions = (access: Partial<IscAccess>) => iscMissingPermissions(server, { ...able, ...access }).map((m) => m.permission);

describe("the ISC probe", () => {
  it("passes every path and command as positional arguments of a fixed script", () => {
    const hostile = iscServer.parse({ ...server, configPath: "/etc/dhcp/$(reboot)'; rm -rf ~.conf", dhcpd: "dhcpd`id`" });
    const argv = iscProbeCommand(hostile);
    expect(argv.slice(0, 4)).toEqual(["sh", "-c", ISC_PROBE_SCRIPT, "sh"]);
    expect(argv.slice(4)).toEqual([
      "/etc/dhcp/$(reboot)'; rm -rf ~.conf",
      "/etc/dhcp",
      "/etc/dhcp/$(reboot)'; rm -rf ~.conf.pulumi-dhcp-failover.bak",
      "/etc/dhcp/$(reboot)'; rm -rf ~.conf.pulumi-dhcp-failover.lock",
      "/etc/dhcp",
      "dhcpd`id`",
      "systemctl",
      "sudo",
      "-n",
      "/usr/sbin/service",
      "isc-dhcp-server",
      "restart",
    ]);
    expect(ISC_PROBE_SCRIPT).not.toContain("reboot");
  });

  it("reads what the probe printed, and refuses output that is not the probe's", () => {
    const stdout = [
      "user=dhcpops",
      "uid=1001",
      ...["config.readable=1", "config.writable=0", "config.owned=0", "dir.writable=0", "dir.sticky=0", "backup.exists=0", "backup.writable=0"],
      ...["lock.exists=0", "lock.owned=0", "lockdir.writable=0", "dhcpd.path=", "dhcpd.executable=0", "flock.path=/usr/bin/flock", "running.path=/usr/bin/systemctl"],
      "restart.sudo=0",
      "restart.said=sudo: a password is required ",
    ].join("\n");
    expect(parseIscProbe("dhcp1", stdout)).toMatchObject({
      user: "dhcpops",
      uid: 1001,
      configWritable: false,
      dirWritable: false,
      dhcpdPath: "",
      restart: { via: "sudo", allowed: false, said: "sudo: a password is required" },
    });
    expect(() => parseIscProbe("dhcp1", "Welcome to the server\n")).toThrow(/^dhcp1: the permissions probe printed no user \(output: Welcome to the server\)/);
  });
});

describe("what an ISC change needs", () => {
  it("needs nothing more from a user that can do everything", () => {
    expect(iscMissingPermissions(server, able)).toEqual([]);
  });

  it("names the file and the directory a read-only user cannot write, with what to grant", () => {
    const missing = iscMissingPermissions(server, { ...able, configWritable: false, dirWritable: false, lockDirWritable: false });
    expect(missing.map((m) => m.permission)).toEqual(["write /etc/dhcp/dhcpd.conf", "create files in /etc/dhcp", "take the lock /etc/dhcp/dhcpd.conf.pulumi-dhcp-failover.lock"]);
    expect(missing[0]).toEqual({
      server: "dhcp1",
      permission: "write /etc/dhcp/dhcpd.conf",
      grant: "make the SSH user dhcpops its owner or give it write access (e.g. chgrp a group of dhcpops and chmod g+w), or log in as a user that may write it",
    });
    expect(missing[1]!.grant).toContain("renamed over /etc/dhcp/dhcpd.conf");
  });

  it("knows a sticky directory lets only the owner rename over the file, except for root", () => {
    expect(permissions({ dirSticky: true, configOwned: false })).toEqual(["replace /etc/dhcp/dhcpd.conf"]);
    expect(permissions({ dirSticky: true, configOwned: true })).toEqual([]);
    expect(permissions({ dirSticky: true, configOwned: false, uid: 0 })).toEqual([]);
  });

  it("wants a non-root user to own the config, since the file renamed over it must keep the config's owner", () => {
    const missing = iscMissingPermissions(server, { ...able, configOwned: false });
    expect(missing.map((m) => m.permission)).toEqual(["replace /etc/dhcp/dhcpd.conf"]);
    expect(missing[0]!.grant).toBe("the new file must keep the config's owner, which only its owner or root can give: make the SSH user dhcpops the owner of /etc/dhcp/dhcpd.conf, or log in as root");
    expect(iscMissingPermissions(server, { ...able, configOwned: false, uid: 0 })).toEqual([]);
  });

  it("wants an existing backup writable and an existing lock owned by the SSH user", () => {
    expect(permissions({ backupExists: true, backupWritable: false })).toEqual(["write the backup /etc/dhcp/dhcpd.conf.pulumi-dhcp-failover.bak"]);
    expect(permissions({ lockExists: true, lockOwned: false })).toEqual(["take the lock /etc/dhcp/dhcpd.conf.pulumi-dhcp-failover.lock"]);
    expect(permissions({ lockExists: true, lockOwned: true, lockDirWritable: false })).toEqual([]);
  });

  it("says dhcpd is not in a non-root PATH and suggests its full path", () => {
    const [missing] = iscMissingPermissions(server, { ...able, dhcpdPath: "", dhcpdExecutable: false });
    expect(missing!.permission).toBe("run dhcpd -t -cf (to validate before writing)");
    expect(missing!.grant).toContain("set dhcpd to its full path, e.g. /usr/sbin/dhcpd");
  });

  it("says sudo refuses the restart, quoting sudo, with the sudoers line to add", () => {
    const [missing] = iscMissingPermissions(server, { ...able, restart: { via: "sudo", allowed: false, said: "sudo: a password is required" } });
    expect(missing).toEqual({
      server: "dhcp1",
      permission: "run the restart command (sudo -n /usr/sbin/service isc-dhcp-server restart)",
      grant: 'sudo refuses it without a password (sudo: a password is required): grant it in sudoers, e.g. "dhcpops ALL=(root) NOPASSWD: /usr/sbin/service isc-dhcp-server restart"',
    });
  });

  it("checks that a restart command run without sudo, flock and isRunning are found", () => {
    expect(permissions({ restart: { via: "direct", path: "", executable: false }, flockPath: "", isRunningPath: "" })).toEqual([
      "run flock",
      "run the isRunning command (systemctl is-active --quiet isc-dhcp-server)",
      "run the restart command (sudo -n /usr/sbin/service isc-dhcp-server restart)",
    ]);
    expect(permissions({ restart: { via: "direct", path: "/usr/local/bin/restart-dhcpd", executable: true } })).toEqual([]);
  });
});
