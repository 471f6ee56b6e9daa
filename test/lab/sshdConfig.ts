import { join } from "node:path";
import type { LabInfo } from "./labInfo.ts";
import { nodeBin, repoRoot } from "./paths.ts";

/** Where the lab's sshd keeps its files; sshd needs no state outside them except /run/sshd. */
export function sshdFiles(labDir: string) {
  const dir = join(labDir, "ssh");
  return {
    dir,
    config: join(dir, "sshd_config"),
    hostKey: join(dir, "host_ed25519"),
    authorizedKeys: join(dir, "authorized_keys"),
    pid: join(dir, "sshd.pid"),
    log: join(dir, "sshd.log"),
    adminKey: join(dir, "admin_ed25519"),
    winemuKey: join(dir, "winemu_ed25519"),
    /** The unprivileged user's home: it exists so that sshd can chdir there, and goes with the lab. */
    userHome: join(dir, "home"),
    /** Present when the lab created /run/sshd, so that down removes only what the lab made. */
    createdRunDirMarker: join(dir, "created-run-sshd"),
  };
}

export function renderSshdConfig(info: LabInfo): string {
  const files = sshdFiles(info.labDir);
  return `# sshd for the pulumi-dhcp-failover lab: loopback only, keys only, written by test/lab.
Port ${info.ssh.port}
ListenAddress ${info.ssh.host}
HostKey ${files.hostKey}
PidFile ${files.pid}
AuthorizedKeysFile ${files.authorizedKeys}
AllowUsers ${info.ssh.username} ${info.ssh.unprivilegedUsername}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# The lab directory may live where sshd's ownership checks would refuse the keys.
StrictModes no
PrintMotd no
LogLevel VERBOSE
Subsystem sftp /usr/lib/openssh/sftp-server
`;
}

/** The Windows DHCP emulator's entry point; another part of the test suite provides it. */
export function winemuCommand(info: LabInfo): string {
  return `${nodeBin} ${join(repoRoot, "test", "emulator", "ssh-entry.ts")} --state ${info.winemu.stateDir}`;
}

export function renderAuthorizedKeys(info: LabInfo, adminPublicKey: string, winemuPublicKey: string): string {
  return `# admin: a root shell for the ISC backend (SFTP, dhcpd -t, omshell, dhcpd-ctl); it also logs in as ${info.ssh.unprivilegedUsername}, who may do none of that.
${adminPublicKey}
# winemu: may only run the Windows DHCP emulator, which reads SSH_ORIGINAL_COMMAND.
command="${winemuCommand(info)}",no-port-forwarding,no-agent-forwarding,no-X11-forwarding ${winemuPublicKey}
`;
}
