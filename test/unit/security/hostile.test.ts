// Hostile inputs stay inert (issue 12): names and paths full of shell syntax reach the server's shell as
// data through every remote command this library builds (the lock, the permissions probe, dhcpd -t), the
// runner's name written into the lock file is never run, a config path full of pattern characters matches
// no foreign file, a script cannot break out of its encoding, and secrets a server returns do not survive
// into messages. Each remote command runs here through `sh -c`, as sshd runs an exec request's command line.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isTemporaryOf, temporaryPath } from "../../../src/backends/isc/files";
import { lockCommand } from "../../../src/backends/isc/lock";
import { iscProbeCommand, parseIscProbe } from "../../../src/backends/isc/permissions";
import { iscServer } from "../../../src/backends/isc/schema";
import { secretsIn } from "../../../src/backends/kea/redact";
import { Redactor } from "../../../src/provider/redactor";
import { oneLineInvocation } from "../../../src/transports/powershell";
import { shellCommand } from "../../../src/transports/ssh";
import { LocalSession, tempDir } from "./localSession";

/** Words that run a command if a shell ever reads them as code; each would create a file named "pwned*". */
const HOSTILE = ["$(touch pwned1)", "`touch pwned2`", "x'; touch pwned3; '", 'x"; touch pwned4; "', "a\\'b; touch pwned5", "*", "--help", "-x"];

/** Runs a command line as the remote login shell would. */
function remote(argv: readonly string[], cwd: string) {
  return spawnSync("sh", ["-c", shellCommand(argv)], { cwd, encoding: "utf8" });
}

describe("hostile names, paths and server answers stay inert", () => {
  let dir: string;
  beforeEach(() => (dir = tempDir("hostile")));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pwned = () => fs.readdirSync(dir, { recursive: true }).map(String).filter((name) => /(^|\/)pwned\d*$/.test(name));

  it("a lock path and a holder name made of shell syntax: the lock file is exactly that path, and nothing runs", () => {
    for (const [index, word] of HOSTILE.entries()) {
      const lock = path.join(dir, `dhcpd ${word}.lock`);
      const holder = `${word}\nsecond line ${word}`;
      const argv = lockCommand(lock, 1, holder);
      // Holds the lock, then hears end of file (released) at once.
      const result = remote(argv, dir);
      expect(result.status, `${word}: ${result.stderr}`).toBe(0);
      expect(fs.existsSync(lock), word).toBe(true);
      expect(pwned(), word).toEqual([]);
      expect(fs.readdirSync(dir).filter((n) => n.endsWith(".lock"))).toHaveLength(index + 1);
    }
  });

  it("the lock file's content names the holder literally while held", async () => {
    const lock = path.join(dir, "x.lock");
    const held = await new LocalSession().lock(lockCommand(lock, 1, "$(touch pwned) `id`"), 200);
    expect(fs.readFileSync(lock, "utf8")).toMatch(/^\$\(touch pwned\) `id`, user /);
    await held.release();
    expect(pwned()).toEqual([]);
  });

  it("the permissions probe with hostile config, dhcpd, isRunning and restart words only reports; nothing runs", () => {
    for (const word of HOSTILE) {
      const server = iscServer.parse({
        name: "dhcp1",
        address: "192.0.2.11",
        ssh: { host: "127.0.0.1", port: 22, username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}`, privateKey: "k" },
        configPath: path.join(dir, `conf ${word}`, "dhcpd.conf"),
        dhcpd: `dhcpd ${word}`,
        isRunning: [`running ${word}`],
        restart: [`restart ${word}`, word],
      });
      const result = remote(iscProbeCommand(server), dir);
      expect(result.status, word).toBe(0);
      const access = parseIscProbe("dhcp1", result.stdout);
      expect(access.configReadable, word).toBe(false);
      expect(access.dhcpdPath, word).toBe("");
      expect(pwned(), word).toEqual([]);
    }
  });

  it("dhcpd -t with a hostile dhcpd command and candidate path runs no other command", () => {
    for (const word of HOSTILE) {
      const result = remote([`dhcpd ${word}`, "-t", "-cf", path.join(dir, `c ${word}`)], dir);
      expect(result.status, word).toBe(127);
      expect(pwned(), word).toEqual([]);
    }
  });

  it("a config path full of pattern characters matches only its own temporary files", () => {
    const configPath = "/etc/dhcp/a.*[x](y)+?.conf";
    const ours = temporaryPath(configPath, "new").split("/").pop()!;
    expect(isTemporaryOf(configPath, ours)).toBe(true);
    for (const foreign of ["aXXXX.conf.pulumi-dhcp-failover.0123456789abcdef.new", "a.*[x](y)+?.conf.pulumi-dhcp-failover.0123456789abcdef.new.sh", "a.*[x](y)+?.conf.pulumi-dhcp-failover.0123456789ABCDEF.new", "a.*[x](y)+?.conf.pulumi-dhcp-failover.bak"]) {
      expect(isTemporaryOf(configPath, foreign), foreign).toBe(false);
    }
  });

  it("a script's text cannot break out of its encoding", () => {
    for (const text of ["')))); Remove-Item C:\\ -Recurse; ((('", "`n`r\n\r\0", "$(Stop-Computer)", "\u2019; Stop-Computer"]) {
      expect(oneLineInvocation(text)).toMatch(/^& \(\[scriptblock\]::Create\(\[Text\.Encoding\]::Unicode\.GetString\(\[Convert\]::FromBase64String\('[A-Za-z0-9+/=]*'\)\)\)\)$/);
    }
  });

  it("a Kea answer with __proto__ keys gives up its secrets and pollutes nothing", () => {
    const answer = JSON.parse('{"__proto__": {"polluted": "yes", "password": "pw-in-proto"}, "Dhcp4": {"constructor": {"prototype": {"x": 1}}, "password": "db-pass-1"}}');
    expect(secretsIn(answer).sort()).toEqual(["db-pass-1", "pw-in-proto"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("secrets a server echoes in dhcpd's, Kea's and PowerShell's own words are masked without being declared", () => {
    const redactor = new Redactor();
    const said = [
      'dhcpd.conf line 3: expecting a key secret.\n  secret "QUJDREVGR0hJSktMTU5PUA==" extra;\n                                   ^',
      '{ "result": 1, "text": "missing \\"basic-auth-user\\" with \\"basic-auth-password\\": \\"kea-Pw-77\\"" }',
      "Add-DhcpServerv4Failover : Cannot bind parameter 'SharedSecret'. -SharedSecret \"Win-Sh4red\" is invalid",
    ];
    const masked = said.map((text) => redactor.redact(text)).join("\n");
    for (const secret of ["QUJDREVGR0hJSktMTU5PUA==", "kea-Pw-77", "Win-Sh4red"]) expect(masked).not.toContain(secret);
  });
});
