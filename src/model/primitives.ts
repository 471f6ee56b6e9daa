import { isIP } from "node:net";
import { z } from "zod";

export const ipv4 = z.string().refine((v) => isIP(v) === 4, { message: "must be an IPv4 address such as 192.0.2.10" });

export const ipLiteral = z.string().refine((v) => isIP(v) !== 0, { message: "must be an IP address literal" });

export const port = z.number().int().min(1).max(65535);

export const hostname = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:_-]+$/, { message: "must be a host name or IP address (letters, digits, '.', '-', ':', '_')" });

/** Labels name servers and relationships in messages, ids and outputs; kept to characters safe everywhere. */
export const label = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
    message: "must start with a letter or digit and use only letters, digits, '.', '_' and '-'",
  });

export const seconds = z.number().int().min(0);

export const absolutePath = z
  .string()
  .regex(/^\/[^\0\n]*$/, { message: "must be an absolute path without newlines" });

/** PATH_MAX on Linux: no program path or argument word a server runs is longer. */
const MAX_WORD_LENGTH = 4096;

/** One word of a command (a program or an argument): it travels quoted, and a newline or NUL would end it early. */
export const commandWord = z
  .string()
  .min(1)
  .max(MAX_WORD_LENGTH, { message: `must be at most ${MAX_WORD_LENGTH} characters` })
  .regex(/^[^\0\n\r]*$/, { message: "must not contain newlines or NUL characters" });

/** A command as argv, never a shell string: each word travels quoted, so no value can add a command. */
export const command = z.array(commandWord).min(1);

export const sha256Fingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, {
  message: 'must be an OpenSSH SHA256 fingerprint such as "SHA256:abc...": run `ssh-keyscan HOST | ssh-keygen -lf -` on a trusted network',
});

export const ipv4Network = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, { message: 'must be an IPv4 network in CIDR form such as "10.0.0.0/24"' })
  .refine(isCanonicalNetwork, { message: "must be a network address (host bits zero) with a prefix of /8 to /30" });

function isCanonicalNetwork(cidr: string): boolean {
  const [address, prefixText] = cidr.split("/") as [string, string];
  const prefix = Number(prefixText);
  if (isIP(address) !== 4 || prefix < 8 || prefix > 30) return false;
  const value = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const hostBits = 2 ** (32 - prefix);
  return value % hostBits === 0;
}
