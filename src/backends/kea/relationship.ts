/** FailoverRelationship on Kea: the HA relationship entry (and the hook libraries it needs) on every peer. */
import type { OperationContext } from "../../provider/context";
import type { CheckFailure } from "../../model/validate";
import { unreadable } from "../errors";
import type { FailoverStatus, LiveObject, RelationshipOps, RelationshipSummary, RelationshipTarget, ServerView } from "../backend";
import { applyInOrder, type Edit, type Step } from "./apply";
import { dhcp4, findLibrary, HA_LIBRARY, LEASE_CMDS, loadedHooksDirectory, putRelationship, relationshipOf, relationships, removeRelationship, type KeaConfig } from "./configEdit";
import { comparableEntry, declaredPasswords, relationshipEntry, settingsFromEntry, type JsonObject } from "./haConfig";
import { listenerClashes } from "./listeners";
import { plainHttpCredentialWarnings } from "./plainHttp";
import { keaTarget, type KeaPeer, type KeaRelationship, type Role } from "./schema";
import { KeaServer, keaServerKey } from "./server";
import { readStates, serverStatus, waitForStates, watchPeers } from "./status";
import { haFeatures, OLDEST_SUPPORTED } from "./version";

const ORDER: Record<Role, number> = { backup: 0, secondary: 1, standby: 1, primary: 2 };

/** Backups, then the secondary or standby, then the primary: the primary keeps serving the longest. */
export function inApplyOrder<P extends { role: Role }>(peers: readonly P[]): P[] {
  return [...peers].sort((a, b) => ORDER[a.role] - ORDER[b.role]);
}

function serverKey(peer: { api: { url: string } }): string {
  return new URL(peer.api.url).href;
}

async function peerView(ctx: OperationContext, spec: KeaRelationship, peer: KeaPeer): Promise<{ view: ServerView; entry: JsonObject | undefined }> {
  const server = KeaServer.of(ctx, peer);
  const [version, config, status] = await Promise.all([server.version(), server.config(), server.status()]);
  const passwords = declaredPasswords(spec);
  const entry = relationshipOf(config, peer.name);
  const running = serverStatus(status, peer.name).state !== "not-running";
  const expected = {
    libraries: { [LEASE_CMDS]: true, [HA_LIBRARY]: true },
    "high-availability": comparableEntry(relationshipEntry(spec, peer.name), version, passwords),
    "ha-running": true,
  };
  const actual = {
    libraries: { [LEASE_CMDS]: findLibrary(config, LEASE_CMDS) !== undefined, [HA_LIBRARY]: findLibrary(config, HA_LIBRARY) !== undefined },
    "high-availability": entry ? comparableEntry(entry, version, passwords) : undefined,
    "ha-running": running,
  };
  return { view: { server: peer.name, expected, actual: actual as ServerView["actual"] }, entry };
}

async function read(ctx: OperationContext, spec: KeaRelationship): Promise<LiveObject<KeaRelationship>> {
  const results = await Promise.all(spec.peers.map((peer) => peerView(ctx, spec, peer)));
  const primaryIndex = spec.peers.findIndex((p) => p.role === "primary");
  const entry = results[primaryIndex]?.entry ?? results.find((r) => r.entry)?.entry;
  const live = entry ? { ...spec, ...settingsFromEntry(entry, spec) } : undefined;
  const status = Object.fromEntries(
    await Promise.all(spec.peers.map(async (peer) => [peer.name, serverStatus(await KeaServer.of(ctx, peer).status(), peer.name)] as const)),
  );
  return { views: results.map((r) => r.view), live, status };
}

async function hooksDirectoryFor(server: KeaServer, peer: KeaPeer, config: KeaConfig): Promise<string | undefined> {
  if (findLibrary(config, LEASE_CMDS) && findLibrary(config, HA_LIBRARY)) return undefined;
  return peer.hooksDirectory ?? loadedHooksDirectory(config) ?? (await server.hooksDirectory());
}

function putEdit(spec: KeaRelationship, peer: KeaPeer, hooksDirectory: string | undefined, replacing?: string): Edit {
  return {
    what: `put the HA relationship of ${spec.name} in place for ${peer.name}`,
    apply: (config) => {
      const without = replacing !== undefined && replacing !== peer.name ? removeRelationship(config, replacing) : config;
      return putRelationship(without, relationshipEntry(spec, peer.name), { owner: spec.name, hooksDirectory });
    },
  };
}

function removeEdit(relationship: string, name: string): Edit {
  return { what: `remove the HA relationship of ${relationship} for ${name}`, apply: (config) => removeRelationship(config, name) };
}

/** Takes a server's relationship entry back to what `before` held for it (or removes it). */
function undoFor(relationship: string, names: readonly string[]) {
  return (before: KeaConfig): Edit => ({
    what: `take back the change to the HA relationship of ${relationship}`,
    apply: (config) => {
      let next = config;
      for (const name of names) {
        const previous = relationshipOf(before, name);
        next = previous ? putRelationship(next, previous, { owner: relationship }) : removeRelationship(next, name);
      }
      return next;
    },
  });
}

/** Makes every peer hold `spec`; `old` names the servers and names it held before (peers removed or renamed). */
async function converge(ctx: OperationContext, spec: KeaRelationship, old: KeaRelationship | undefined, adopt: boolean): Promise<LiveObject<KeaRelationship>> {
  const steps: Step[] = [];
  const nextKeys = new Set(spec.peers.map(serverKey));
  for (const peer of inApplyOrder(spec.peers)) {
    const server = KeaServer.of(ctx, peer);
    const config = await server.config();
    const previousName = old?.peers.find((p) => serverKey(p) === serverKey(peer))?.name;
    if (old === undefined && relationshipOf(config, peer.name)) {
      if (adopt) continue;
      throw new Error(
        `${peer.name} already holds an HA relationship for ${peer.name} (this-server-name): set adopt: true to take it over as it is, ` +
          "or remove it from the server's configuration first",
      );
    }
    const names = [...new Set([peer.name, ...(previousName ? [previousName] : [])])];
    steps.push({ server, edit: putEdit(spec, peer, await hooksDirectoryFor(server, peer, config), previousName), undo: undoFor(spec.name, names) });
  }
  for (const gone of old?.peers.filter((p) => !nextKeys.has(serverKey(p))) ?? []) {
    steps.unshift({ server: KeaServer.of(ctx, gone), edit: removeEdit(spec.name, gone.name), undo: undoFor(spec.name, [gone.name]) });
  }
  const committed = await applyInOrder(ctx, steps);
  const live = await read(ctx, spec);
  if (committed.some((c) => c.changed) && spec.kea.waitSeconds > 0) {
    const settled = await waitForStates(watchPeers(ctx, spec.kea.mode, spec.peers), spec.kea.waitSeconds);
    return { ...live, status: settled.status, warnings: settled.warnings };
  }
  return live;
}

async function checkLive(ctx: OperationContext, spec: KeaRelationship): Promise<CheckFailure[]> {
  // Check runs in every preview: the warning is seen before any credential is sent.
  for (const warning of plainHttpCredentialWarnings(spec)) ctx.log.warn(`${ctx.resource}: ${warning}`);
  const failures: CheckFailure[] = [];
  await Promise.all(
    spec.peers.map(async (peer, index) => {
      const server = KeaServer.of(ctx, peer);
      let version, config;
      try {
        [version, config] = await Promise.all([server.version(), server.config()]);
      } catch (error) {
        failures.push({ property: `peers[${index}].api`, reason: unreadable((error as Error).message) });
        return;
      }
      const features = haFeatures(version);
      const at = (property: string) => `peers[${index}]${property}`;
      if (!features.supported) {
        failures.push({ property: at(".api.url"), reason: `${peer.name} runs Kea ${version.text}; this library manages Kea ${OLDEST_SUPPORTED} and later: upgrade it` });
        return;
      }
      if (spec.kea.maxRejectedLeaseUpdates !== undefined && !features.maxRejectedLeaseUpdates) {
        failures.push({ property: "kea.maxRejectedLeaseUpdates", reason: `${peer.name} runs Kea ${version.text}, which has no max-rejected-lease-updates (Kea 2.4+): remove it` });
      }
      const ourNames = new Set(spec.peers.map((p) => p.name));
      const others = relationships(config).filter((entry) => entry["this-server-name"] !== peer.name);
      for (const reason of listenerClashes([...others, relationshipEntry(spec, peer.name)], dhcp4(config), version, peer.api.url)) {
        failures.push({ property: at(".url"), reason: `${peer.name}: ${reason}` });
      }
      if (others.length === 0) return;
      const names = others.map((e) => String(e["this-server-name"])).join(", ");
      if (!features.severalRelationships) {
        failures.push({
          property: at(""),
          reason: `${peer.name} (Kea ${version.text}) already runs another HA relationship (this-server-name ${names}); Kea before 2.6 runs one relationship per server: remove that one, or upgrade to 2.6 for hub-and-spoke`,
        });
        return;
      }
      if (spec.kea.mode !== "hot-standby" || others.some((e) => e.mode !== "hot-standby")) {
        failures.push({ property: "kea.mode", reason: `${peer.name} also runs the relationship of ${names}: several relationships on one server (hub-and-spoke) must all be hot-standby` });
      }
      const clash = others.flatMap((e) => ((e.peers ?? []) as JsonObject[]).map((p) => String(p.name))).filter((name) => ourNames.has(name));
      if (clash.length > 0) {
        failures.push({ property: at(".name"), reason: `peer names ${clash.join(", ")} are already used by another relationship on ${peer.name}: Kea needs them unique on a server` });
      }
    }),
  );
  return failures;
}

function summary(spec: KeaRelationship): RelationshipSummary {
  const primary = spec.peers.find((p) => p.role === "primary")?.name ?? "";
  const partner = spec.peers.find((p) => p.role === "secondary" || p.role === "standby");
  const backups = spec.peers.filter((p) => p.role === "backup").map((p) => p.name);
  return { mode: spec.kea.mode, primary, secondary: partner?.name ?? backups.join(", ") };
}

function target(spec: KeaRelationship): RelationshipTarget {
  return {
    vendor: "kea",
    name: spec.name,
    mode: spec.kea.mode,
    peers: spec.peers.map((p) => ({ name: p.name, role: p.role, api: { ...p.api }, configPath: p.configPath })),
  };
}

async function status(ctx: OperationContext, relationship: RelationshipTarget): Promise<FailoverStatus> {
  const target = keaTarget.parse(relationship);
  return readStates(watchPeers(ctx, target.mode, target.peers));
}

export const relationshipOps: RelationshipOps<KeaRelationship> = {
  checkLive,
  replaceDecision(old, next) {
    // The name marks what this library added on the servers and names the memberships: a new name is a new relationship.
    return old.name === next.name ? { replaces: [], deleteBeforeReplace: false } : { replaces: ["name"], deleteBeforeReplace: true };
  },
  commitKeys: (spec) => spec.peers.map((peer) => keaServerKey(peer.api)),
  read,
  create: (ctx, spec, options) => converge(ctx, spec, undefined, options.adopt),
  update: (ctx, old, next) => converge(ctx, next, old, false),
  async delete(ctx, spec) {
    const steps = inApplyOrder(spec.peers).map((peer) => ({ server: KeaServer.of(ctx, peer), edit: removeEdit(spec.name, peer.name), undo: undoFor(spec.name, [peer.name]) }));
    await applyInOrder(ctx, steps);
  },
  target,
  summary,
  status,
};
