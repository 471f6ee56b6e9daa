#!/usr/bin/env node
// `pulumi-dhcp-failover`: the live Failover Relationships view of a stack (or of a file of relationships),
// and the operations a person runs on purpose: partner-down and Kea maintenance. Never run by previews.
import * as fs from "node:fs";
import { closeRun } from "../provider/context";
import { parseCommand, USAGE, UsageError, type Command, type Source } from "./args";
import { relationshipsFromExport } from "./deployment";
import { liveRow, parseRelationship, withRelationshipContext, type ParsedRelationship } from "./liveView";
import { readStackExport } from "./stackExport";
import { formatRelationships } from "./view";

async function relationshipsOf(source: Source): Promise<ParsedRelationship[]> {
  if (source.kind === "file") {
    const document = JSON.parse(fs.readFileSync(source.file, "utf8")) as unknown;
    const list = Array.isArray(document) ? document : (document as { relationships?: unknown } | null)?.relationships;
    if (!Array.isArray(list)) throw new Error(`${source.file}: expected a JSON array of relationships (or {"relationships": [...]})`);
    return list.map((spec, index) => parseRelationship(spec as Record<string, unknown>, `${source.file}: [${index}]`));
  }
  const exported = await readStackExport(source);
  return relationshipsFromExport(exported).map(({ urn, spec }) => parseRelationship(spec, urn));
}

function named(relationships: ParsedRelationship[], name: string): ParsedRelationship {
  const found = relationships.find((r) => r.spec.name === name);
  if (found) return found;
  const known = relationships.map((r) => String(r.spec.name));
  throw new Error(`no relationship named ${JSON.stringify(name)}${known.length > 0 ? `: the source has ${known.join(", ")}` : ": the source has none"}`);
}

async function run(command: Exclude<Command, { command: "help" }>): Promise<string> {
  const relationships = await relationshipsOf(command.source);
  switch (command.command) {
    case "status": {
      const rows = await Promise.all(relationships.map((r) => liveRow(r)));
      return command.json ? `${JSON.stringify(rows, null, 2)}\n` : formatRelationships(rows);
    }
    case "partner-down": {
      const relationship = named(relationships, command.relationship);
      const partnerDown = relationship.backend.state.partnerDown;
      if (!partnerDown) throw new Error(`${relationship.backend.vendor} relationships have no partner-down operation`);
      const status = await withRelationshipContext(relationship, (ctx) =>
        partnerDown.call(relationship.backend.state, ctx, relationship.backend.relationship.target(relationship.spec), command.server),
      );
      return formatRelationships([await liveRow(relationship, status)]);
    }
    case "maintenance": {
      const relationship = named(relationships, command.relationship);
      const maintenance = relationship.backend.state.maintenance;
      if (!maintenance) throw new Error(`${relationship.backend.vendor} relationships have no maintenance mode`);
      const status = await withRelationshipContext(relationship, (ctx) =>
        maintenance.call(relationship.backend.state, ctx, relationship.backend.relationship.target(relationship.spec), command.action),
      );
      return formatRelationships([await liveRow(relationship, status)]);
    }
  }
}

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`pulumi-dhcp-failover: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (command.command === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    process.stdout.write(await run(command));
    return 0;
  } catch (error) {
    process.stderr.write(`pulumi-dhcp-failover ${command.command} failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await closeRun();
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
