import type { SshConnection } from "../model/connections";
import { SshSession, sshKey } from "./ssh";
import type { PowerShellOutput, PowerShellRunner } from "./powershell";

/**
 * The command line sent to Windows OpenSSH: a short fixed bootstrap, because cmd.exe (OpenSSH's default
 * shell on Windows) limits a command line to 8191 characters. The script itself follows on stdin.
 */
export const SSH_BOOTSTRAP = "$s = [Console]::In.ReadToEnd(); & ([scriptblock]::Create($s))";

export function sshCommandLine(executable: string): string {
  return `${executable} -NoProfile -NonInteractive -EncodedCommand ${Buffer.from(SSH_BOOTSTRAP, "utf16le").toString("base64")}`;
}

/** A safe word for cmd.exe and POSIX shells alike: a name or a path without spaces or metacharacters. */
const SAFE_EXECUTABLE = /^[A-Za-z0-9_.:\\/-]+$/;

/** PowerShell over one SSH connection per server for the whole run (ssh2 to a Windows OpenSSH server). */
export class PowerShellOverSsh implements PowerShellRunner {
  private constructor(
    private readonly ssh: SshSession,
    private readonly executable: string,
  ) {}

  static async connect(connection: SshConnection, executable: string, server: string): Promise<PowerShellOverSsh> {
    if (!SAFE_EXECUTABLE.test(executable)) {
      throw new Error(`${server}: overSsh.executable ${JSON.stringify(executable)} must be a plain path (letters, digits, . _ - : \\ /)`);
    }
    return new PowerShellOverSsh(await SshSession.connect(connection, server), executable);
  }

  async run(scriptText: string, timeoutMs: number): Promise<PowerShellOutput> {
    const result = await this.ssh.execCommand(sshCommandLine(this.executable), [this.executable, "-EncodedCommand"], { stdin: scriptText, timeoutMs });
    return { stdout: result.stdout, stderr: result.stderr, exitCode: result.code };
  }

  close(): void {
    this.ssh.close();
  }
}

export function powerShellOverSshKey(connection: SshConnection, executable: string): string {
  return `${sshKey(connection)}#${executable}`;
}
