import { z } from "zod";
import { absolutePath, hostname, port, sha256Fingerprint } from "./primitives";

const sshFields = {
  host: hostname,
  port: port.default(22),
  username: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, { message: "must be a plain user name" }),
  hostKeySha256: sha256Fingerprint,
  privateKey: z.string().min(1).optional(),
  passphrase: z.string().optional(),
  privateKeyPath: absolutePath.optional(),
  agent: z.union([z.literal(true), absolutePath]).optional(),
  connectTimeoutSeconds: z.number().int().min(1).max(300).default(20),
};

type LogonFields = { privateKey?: string; privateKeyPath?: string; agent?: true | string; passphrase?: string; password?: string };

/** Exactly one way to log on; a passphrase only with a key. */
function refineLogon(ways: ReadonlyArray<keyof LogonFields>, message: string) {
  return (ssh: LogonFields, ctx: z.RefinementCtx) => {
    if (ways.filter((way) => ssh[way] !== undefined).length !== 1) ctx.addIssue({ code: "custom", path: [], message });
    if (ssh.passphrase !== undefined && (ssh.agent !== undefined || ssh.password !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["passphrase"], message: `a passphrase applies to a private key, not to ${ssh.agent !== undefined ? "an agent" : "a password"}` });
    }
  };
}

/**
 * How to reach a server over SSH. The host key is pinned: a server presenting any other key is refused,
 * so a moved or impersonated host never receives a configuration.
 */
export const sshConnection = z
  .strictObject(sshFields)
  .superRefine(refineLogon(["privateKey", "privateKeyPath", "agent"], "give exactly one of privateKey (a secret), privateKeyPath or agent (true for $SSH_AUTH_SOCK)"));
export type SshConnection = z.output<typeof sshConnection>;

/**
 * SSH to a Windows OpenSSH server, which also takes a password. The logon decides what the session may reach:
 * a key logon has no credentials for outbound authentication (PowerShell/Win32-OpenSSH#518, #1264), so
 * cmdlets that configure the partner fail there; a password logon carries them.
 */
export const windowsSshConnection = z
  .strictObject({ ...sshFields, password: z.string().min(1).optional() })
  .superRefine(
    refineLogon(
      ["privateKey", "privateKeyPath", "agent", "password"],
      "give exactly one of password (a secret: the logon that can reach the partner), privateKey (a secret), privateKeyPath or agent (true for $SSH_AUTH_SOCK)",
    ),
  );
export type WindowsSshConnection = z.output<typeof windowsSshConnection>;

/**
 * A local PowerShell session (node-powershell) that reaches the DHCP server with -ComputerName. Windows
 * PowerShell 5.1 by default: it loads the DhcpServer module natively, while PowerShell 7 (`pwsh`) lists it as
 * "Untested with Compatibility Layer" (implicit remoting into a 5.1 session, deserialized objects).
 */
export const localPowerShell = z.strictObject({
  executable: z.string().min(1).default("powershell.exe"),
  computerName: hostname,
});

/** PowerShell over SSH: one `powershell -NoProfile -NonInteractive -Command -` per server per run, through Windows OpenSSH. */
export const powerShellOverSsh = z.strictObject({
  ssh: windowsSshConnection,
  executable: z.string().min(1).default("powershell"),
});

export const powerShellConnection = z.union([
  z.strictObject({ local: localPowerShell }),
  z.strictObject({ overSsh: powerShellOverSsh }),
]);
export type PowerShellConnection = z.output<typeof powerShellConnection>;

/** Whether a URL names no user or password (`http://user:pw@host/`). */
export function withoutCredentials(url: string): boolean {
  const parsed = URL.parse(url);
  return parsed === null || (parsed.username === "" && parsed.password === "");
}

/** Kea's control API: the Control Agent (Kea 2.x) or a daemon's own HTTP control socket (Kea 3.x). */
export const keaApiConnection = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).refine(withoutCredentials, {
    message: "must not carry credentials (user:password@): a URL is stored in plain text in the state and shown in messages; give them as api.username and api.password, which are kept secret",
  }),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** PEM text of the CA that signed the server's certificate (https only). */
  caCert: z.string().min(1).optional(),
  timeoutSeconds: z.number().int().min(1).max(600).default(30),
});
export type KeaApiConnection = z.output<typeof keaApiConnection>;
