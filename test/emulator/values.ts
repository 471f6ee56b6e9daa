// The PowerShell values the emulator models: just what the DhcpServer cmdlets return and the scripts use.

/** A hashtable or a PSCustomObject: ordered, case-insensitive property names. */
export class PSObject {
  readonly entries = new Map<string, { name: string; value: Value }>();
  /** "hashtable", "pscustomobject", or a CIM class the cmdlets return (never serialised as is). */
  kind: string;

  constructor(kind: string, properties: Record<string, Value> = {}) {
    this.kind = kind;
    for (const [name, value] of Object.entries(properties)) this.set(name, value);
  }

  get(name: string): Value {
    return this.entries.get(name.toLowerCase())?.value ?? null;
  }

  has(name: string): boolean {
    return this.entries.has(name.toLowerCase());
  }

  set(name: string, value: Value): void {
    const existing = this.entries.get(name.toLowerCase());
    this.entries.set(name.toLowerCase(), { name: existing?.name ?? name, value });
  }
}

export class TimeSpan {
  readonly totalSeconds: number;
  constructor(totalSeconds: number) {
    this.totalSeconds = totalSeconds;
  }
}

export class IPAddress {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export class ScriptBlock {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** .NET objects reachable through static members: [Text.Encoding]::UTF8, [Console]::Out... */
export class DotNet {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

export type Value = null | boolean | number | string | Uint8Array | Value[] | PSObject | TimeSpan | IPAddress | ScriptBlock | DotNet;

/** A PowerShell error a script can catch: a cmdlet's failure, with PowerShell's own id. */
export class PSError extends Error {
  readonly errorId: string;
  constructor(message: string, errorId: string) {
    super(message);
    this.errorId = errorId;
  }
}

/** Something the emulator does not understand: never caught by a script, always reported. */
export class Refusal extends Error {}

export function typeName(value: Value): string {
  if (value === null) return "$null";
  if (Array.isArray(value)) return "array";
  if (value instanceof PSObject) return value.kind;
  if (value instanceof Uint8Array) return "byte[]";
  if (typeof value === "object") return value.constructor.name;
  return typeof value;
}

/** PowerShell truthiness: $null, "", 0, $false and empty arrays are false; one-element arrays use their element. */
export function truthy(value: Value): boolean {
  if (value === null) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.length === 0 ? false : value.length === 1 ? truthy(value[0]!) : true;
  return true;
}

export function toText(value: Value): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (value instanceof IPAddress) return value.text;
  if (value instanceof TimeSpan) {
    const s = value.totalSeconds;
    const days = Math.floor(s / 86_400);
    const rest = s % 86_400;
    const hms = [Math.floor(rest / 3600), Math.floor((rest % 3600) / 60), rest % 60].map((n) => String(n).padStart(2, "0")).join(":");
    return days > 0 ? `${days}.${hms}` : hms;
  }
  if (Array.isArray(value)) return value.map(toText).join(" ");
  throw new Refusal(`converting ${typeName(value)} to a string is not modelled`);
}

export function toNumber(value: Value, what: string): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value === null) return 0;
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  throw new PSError(`Cannot convert value "${toText(value)}" to type "${what}".`, "InvalidCastFromStringToInteger");
}
