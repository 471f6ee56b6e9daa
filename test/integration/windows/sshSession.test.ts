// PowerShell over SSH keeps one remote PowerShell per server for the run: every script of a `pulumi up` goes
// through one SSH exec per server, read back between markers; a script that does not finish, or a session that
// dies, is reported as such; the emulator behind the lab's sshd refuses any other way of running PowerShell.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sshConnection } from "../../../src/model/connections";
import { script } from "../../../src/backends/windows/scripts";
import { SshSession } from "../../../src/transports/ssh";
import { PowerShellOverSsh, SESSION_OPTIONS } from "../../../src/transports/powershellOverSsh";
import { readLabInfo, type LabInfo } from "../../lab/index.ts";
import { addServers, journal, removeServers, scope, server } from "../../emulator/setup.ts";
import { withState } from "../../emulator/store.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { uniqueName, windowsProgram, type WindowsProgramOptions } from "./windowsProgram.ts";
import { metricsOf, type MetricEvent } from "../support/metrics.ts";

/** How many events of a kind each provider process counted per server: "pid/server" -> n. */
function perProcess(events: MetricEvent[], event: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events.filter((x) => x.event === event)) counts.set(`${e.pid}/${e.server}`, (counts.get(`${e.pid}/${e.server}`) ?? 0) + 1);
  return counts;
}

describe("PowerShell over SSH: one long-lived session per server", () => {
  let info: LabInfo;
  let dir: string;
  const P = uniqueName("sess1");
  const S = uniqueName("sess2");
  const scopes = ["10.44.1.0", "10.44.2.0", "10.44.3.0"];
  const connection = () =>
    sshConnection.parse({ host: info.ssh.host, port: info.ssh.port, username: info.ssh.username, hostKeySha256: info.ssh.hostKeySha256, privateKeyPath: info.ssh.keys.winemu });
  const read = (computerName: string) => script("readServer", { computerName }).text;

  beforeAll(async () => {
    info = readLabInfo();
    dir = info.winemu.stateDir;
    await addServers(dir, [{ computerName: P, scopes: scopes.map((id) => scope(id)) }, { computerName: S }]);
  });

  afterAll(async () => {
    await removeServers(dir, [P, S]);
  });

  it("runs many scripts through one exec, each reply read whole and in order", async () => {
    const execs: string[][] = [];
    const session = await PowerShellOverSsh.connect(connection(), "powershell", "dhcp1", { executed: (_server, argv) => execs.push([...argv]) });
    try {
      const replies = await Promise.all([P, S, P, S].map((name) => session.run(read(name), 30_000)));
      for (const [i, name] of [P, S, P, S].entries()) {
        const envelope = JSON.parse(replies[i]!.stdout.trim()) as { ok: boolean; result: { scopes: Array<{ scopeId: string }> } };
        expect(envelope.ok).toBe(true);
        expect(envelope.result.scopes.map((s) => s.scopeId)).toEqual(name === P ? scopes : []);
        expect(replies[i]!.stderr).toBe("");
      }
      expect(execs).toEqual([["powershell", ...SESSION_OPTIONS]]);
      expect((await journal(dir, [P, S])).filter((e) => e.endsWith(":Get-DhcpServerVersion"))).toHaveLength(4);
    } finally {
      // Closing ends the session's stdin: the remote PowerShell exits on its own, well within the grace period.
      const started = Date.now();
      await session.close();
      expect(Date.now() - started).toBeLessThan(1_500);
    }
    await expect(session.run(read(P), 30_000)).rejects.toThrow(/the session stopped earlier in this run: the session was closed/);
  });

  it("reports a script that does not finish in time, and refuses the session's later scripts", async () => {
    const session = await PowerShellOverSsh.connect(connection(), "powershell", "dhcp1");
    try {
      // The emulator waits for its state lock: holding it keeps the script from finishing.
      const held = withState(dir, () => delay(3_000));
      await delay(100);
      await expect(session.run(read(P), 500)).rejects.toThrow(/^dhcp1: PowerShell over SSH \(powershell -NoProfile -NonInteractive -Command -\): a script did not finish within 500 ms\./);
      await held;
      await expect(session.run(read(P), 30_000)).rejects.toThrow(/^dhcp1: .*the session stopped earlier in this run: a script did not finish within 500 ms/);
    } finally {
      await session.close();
    }
  });

  it("reports a session that died, with what the remote side said", async () => {
    const session = await PowerShellOverSsh.connect(connection(), "powershell", "dhcp1");
    try {
      await expect(session.run("$text = [Console]::In.ReadToEnd()", 30_000)).rejects.toThrow(
        /^dhcp1: PowerShell over SSH .*: the remote PowerShell session ended \(exit code 1\); it said: .*winemu: refused: a statement reading \[Console\]::In is not modelled/,
      );
      await expect(session.run(read(P), 30_000)).rejects.toThrow(/the session stopped earlier in this run: the remote PowerShell session ended/);
    } finally {
      await session.close();
    }
  });

  it("the emulator refuses any other way of running PowerShell", async () => {
    const ssh = await SshSession.connect(connection(), "dhcp1");
    try {
      const encoded = Buffer.from("Get-DhcpServerVersion -ComputerName x", "utf16le").toString("base64");
      const oneShot = await ssh.execCommand(`powershell -NoProfile -NonInteractive -EncodedCommand ${encoded}`, ["powershell"]);
      expect(oneShot.code).toBe(1);
      expect(oneShot.stderr).toContain('winemu: refused: the option "-EncodedCommand" is not modelled (expected -NoProfile -NonInteractive -Command -)');
      const noStdin = await ssh.execCommand("powershell -NoProfile -NonInteractive", ["powershell"]);
      expect(noStdin.code).toBe(1);
      expect(noStdin.stderr).toContain("winemu: refused: only a session reading its commands from stdin is modelled");
      const other = await ssh.execCommand("cmd /c dir", ["cmd"]);
      expect(other.stderr).toContain("winemu: refused: this key may only run powershell");
    } finally {
      ssh.close();
    }
  });

  describe("through the real Pulumi CLI", () => {
    let project: PulumiProject;
    let options: WindowsProgramOptions;

    beforeAll(async () => {
      options = {
        transport: "ssh",
        name: uniqueName("sessions"),
        primary: { label: "dhcp1", computerName: P },
        secondary: { label: "dhcp2", computerName: S },
        scopes,
      };
      project = await PulumiProject.create("windows-ssh-sessions", windowsProgram(info, options));
    });

    afterAll(async () => {
      await project?.destroy({ allowFailure: true });
      project?.remove();
    });

    it("opens one SSH connection and one exec per server for a `pulumi up` of four resources", async () => {
      const metrics = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "windows-ssh-metrics-")), "events.jsonl");
      await project.up({ env: { PULUMI_DHCP_FAILOVER_METRICS_FILE: metrics } });
      const events = metricsOf(metrics);
      const execs = events.filter((e) => e.event === "ssh.exec");
      expect(new Set(execs.map((e) => e.pid)).size).toBe(1);
      expect(execs.map((e) => [e.server, e.detail]).sort()).toEqual([
        ["dhcp1", "powershell -NoProfile -NonInteractive -Command -"],
        ["dhcp2", "powershell -NoProfile -NonInteractive -Command -"],
      ]);
      expect([...perProcess(events, "ssh.connect").values()]).toEqual([1, 1]);
      const commands = perProcess(events, "windows.command");
      expect([...commands.values()].every((n) => n >= 3)).toBe(true);
      expect(commands.size).toBe(2);
      expect((await server(dir, S)).relationships[0]!.scopeIds.sort()).toEqual(scopes);
    });
  });
});
