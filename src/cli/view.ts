import type { RelationshipSummary, ServerStatus, Vendor } from "../backends/backend";

/** One line of the Failover Relationships view: a relationship and each side's state, read live. */
export interface RelationshipRow {
  name: string;
  vendor: Vendor;
  summary: RelationshipSummary;
  primaryState: ServerStatus;
  secondaryState: ServerStatus;
}

const HEADERS = ["NAME", "VENDOR", "MODE", "PRIMARY", "STATE", "SECONDARY", "STATE"] as const;

function stateText(status: ServerStatus): string {
  if (status.error) return "unknown";
  return status.partnerState && status.partnerState !== status.state ? `${status.state} (partner: ${status.partnerState})` : status.state;
}

/** The view as a table, like IPAM's Failover Relationships view; unreadable states are explained under it. */
export function formatRelationships(rows: readonly RelationshipRow[]): string {
  if (rows.length === 0) return "No failover relationships.\n";
  const cells = rows.map((row) => [
    row.name,
    row.vendor,
    row.summary.mode,
    row.summary.primary,
    stateText(row.primaryState),
    row.summary.secondary,
    stateText(row.secondaryState),
  ]);
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...cells.map((line) => line[column]!.length)));
  const line = (values: readonly string[]) => values.map((value, column) => value.padEnd(widths[column]!)).join("  ").trimEnd();
  const notes = rows.flatMap((row) =>
    [
      [row.summary.primary, row.primaryState] as const,
      [row.summary.secondary, row.secondaryState] as const,
    ]
      .filter(([, status]) => status.error)
      .map(([server, status]) => `  ${row.name}: the state of ${server} could not be read: ${status.error}`),
  );
  return [line(HEADERS), ...cells.map(line), ...(notes.length > 0 ? ["", ...notes] : [])].join("\n") + "\n";
}
