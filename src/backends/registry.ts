import type { Backend, Vendor } from "./backend";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBackend = Backend<any, any, any>;

export const VENDORS: readonly Vendor[] = ["isc", "kea", "windows"];

/** Each vendor's backend is loaded on first use, so a program for one vendor never loads another's transports. */
const loaders: Record<Vendor, () => AnyBackend> = {
  isc: () => require("./isc").iscBackend,
  kea: () => require("./kea").keaBackend,
  windows: () => require("./windows").windowsBackend,
};

const overrides = new Map<Vendor, AnyBackend>();

export function isVendor(value: unknown): value is Vendor {
  return typeof value === "string" && (VENDORS as readonly string[]).includes(value);
}

export function backendFor(vendor: Vendor): AnyBackend {
  return overrides.get(vendor) ?? loaders[vendor]();
}

/** Replaces a vendor's backend (tests of the vendor-neutral handlers). */
export function useBackend(vendor: Vendor, backend: AnyBackend | undefined): void {
  if (backend) overrides.set(vendor, backend);
  else overrides.delete(vendor);
}
