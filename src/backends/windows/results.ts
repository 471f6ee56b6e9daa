/**
 * The JSON each script prints, validated before anything is believed: a script that printed something else
 * (a profile's noise, another PowerShell version's shape) fails with the text it printed, never half-read.
 */
import { z } from "zod";

export const failureEnvelope = z.object({
  ok: z.literal(false),
  /** The cmdlet (or step) that failed. */
  step: z.string(),
  /** The cmdlet's own message. */
  message: z.string(),
  /** PowerShell's FullyQualifiedErrorId, e.g. "DHCP 20113,Add-DhcpServerv4FailoverScope". */
  errorId: z.string(),
});

export function envelope<T extends z.ZodType>(result: T) {
  return z.union([z.object({ ok: z.literal(true), result }), failureEnvelope]);
}

export const failoverRecord = z.object({
  name: z.string(),
  /** "IP Address or host name" (Get-DhcpServerv4Failover): short name, FQDN or address, whichever Windows kept. */
  partnerServer: z.string(),
  /** The two servers as Windows names them, each by name and by address (either may be empty). */
  primaryServerName: z.string(),
  secondaryServerName: z.string(),
  primaryServerIp: z.string(),
  secondaryServerIp: z.string(),
  /** PrimaryServer or SecondaryServer: which of the two the queried server is. */
  serverType: z.string(),
  mode: z.enum(["LoadBalance", "HotStandby"]),
  /**
   * Empty in load balance mode; Active or Standby in hot standby as documented. Any other text is kept as
   * Windows wrote it (and shows as drift) instead of failing the whole read.
   */
  serverRole: z.string(),
  loadBalancePercent: z.number().int(),
  reservePercent: z.number().int(),
  maxClientLeadTimeSeconds: z.number().int(),
  stateSwitchIntervalSeconds: z.number().int().nullable(),
  autoStateTransition: z.boolean(),
  enableAuth: z.boolean(),
  state: z.string(),
  scopeIds: z.array(z.string()),
});
export type FailoverRecord = z.output<typeof failoverRecord>;

export const scopeStatistics = z.object({
  scopeId: z.string(),
  addressesFree: z.number().int(),
  addressesInUse: z.number().int(),
  addressesFreeOnThisServer: z.number().int(),
  addressesFreeOnPartnerServer: z.number().int(),
  addressesInUseOnThisServer: z.number().int(),
  addressesInUseOnPartnerServer: z.number().int(),
});

export const serverRead = z.object({
  version: z.object({ major: z.number().int(), minor: z.number().int() }),
  relationships: z.array(failoverRecord),
  scopes: z.array(z.object({ scopeId: z.string(), name: z.string(), state: z.string() })),
  statistics: z.array(scopeStatistics),
});
export type ServerRead = z.output<typeof serverRead>;

export const done = z.literal(true);

export const scopeIdList = z.array(z.string());

export const scopeConfig = z.discriminatedUnion("present", [
  z.object({ scopeId: z.string(), present: z.literal(false) }),
  z.object({
    scopeId: z.string(),
    present: z.literal(true),
    name: z.string(),
    subnetMask: z.string(),
    startRange: z.string(),
    endRange: z.string(),
    leaseDurationSeconds: z.number().int(),
    description: z.string(),
    options: z.array(z.object({ optionId: z.number().int(), vendorClass: z.string(), userClass: z.string(), value: z.array(z.string()) })),
    reservations: z.array(z.object({ ipAddress: z.string(), clientId: z.string(), name: z.string(), type: z.string(), description: z.string() })),
    exclusions: z.array(z.object({ startRange: z.string(), endRange: z.string() })),
    policies: z.array(
      z.object({ name: z.string(), enabled: z.boolean(), processingOrder: z.number().int(), condition: z.string(), description: z.string() }),
    ),
  }),
]);
export type ScopeConfig = z.output<typeof scopeConfig>;
export const scopeConfigList = z.array(scopeConfig);
