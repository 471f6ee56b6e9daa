// The lab's real Kea 2.6 (Debian trixie, through its Control Agent) and Kea 3.0 (Debian sid, through
// kea-dhcp4's own HTTP control socket with basic auth) pairs, through the backend's handlers: what differs
// from 2.2 (HA multi-threading's dedicated listener on by default, 3.0 reading a pool's client-class back
// as client-classes) proven on real servers, and every change taken back to the servers' exact baseline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keaBackend } from "../../../src/backends/kea/index.ts";
import { keaMembership, keaRelationship, keaRelationshipTarget, type KeaRelationship } from "../../../src/backends/kea/schema.ts";
import { operationContext, type OperationContext } from "../../../src/provider/context.ts";
import { SnapshotCache } from "../../../src/provider/snapshots.ts";
import { acquireLease, keaCommand, keaCtl, readLabInfo, type PairName } from "../../lab/index.ts";
import { keaVersionPair, type KeaVersionPairInfo, type KeaVersionServerInfo } from "../../lab/labInfo.ts";
import { keaVersionService } from "../../lab/services.ts";
import type { Json } from "./keaLab.ts";

type Obj = { [key: string]: Json };

async function running(server: KeaVersionServerInfo): Promise<Obj> {
  const answer = await keaCommand(server, "config-get");
  if (answer.result !== 0) throw new Error(`config-get on ${server.name}: ${answer.text}`);
  const config = { ...(answer.arguments as Obj) };
  delete config.hash;
  return config;
}

/** Pristine config, no leases, daemons restarted: as the lab made the pair. */
async function resetPair(pair: KeaVersionPairInfo): Promise<void> {
  for (const server of [...pair.servers, pair.spoke]) {
    const stop = await keaCtl(server, "stop");
    if (stop.exitCode !== 0) throw new Error(`kea-ctl ${server.name} stop failed: ${stop.output}`);
    keaVersionService(server).restorePristine!();
    const start = await keaCtl(server, "start");
    if (start.exitCode !== 0) throw new Error(`kea-ctl ${server.name} start failed: ${start.output}`);
  }
}

/** One handler call as one run makes it: fresh live reads, the call ended afterwards. */
async function step<T>(pair: KeaVersionPairInfo, what: string, body: (ctx: OperationContext) => Promise<T>): Promise<T> {
  const { ctx, done } = operationContext(what, pair.servers.map((s) => s.auth.password));
  try {
    return await body({ ...ctx, snapshots: new SnapshotCache() });
  } finally {
    await done();
  }
}

function relationshipArgs(pair: KeaVersionPairInfo, mode: string, peerPort: number): Record<string, unknown> {
  const partner = mode === "load-balancing" ? "secondary" : "standby";
  return {
    vendor: "kea",
    name: `lab-kea${pair.version.replace(".", "")}`,
    peers: pair.servers.map((server, index) => ({
      name: server.name,
      url: `http://${server.address}:${peerPort}/`,
      role: index === 0 ? "primary" : partner,
      api: { url: server.agentUrl, username: server.auth.user, password: server.auth.password },
      configPath: server.configPath,
    })),
    kea: { mode, heartbeatDelay: 1000, maxResponseDelay: 3000, maxAckDelay: 2000, maxUnackedClients: 0, waitSeconds: 40 },
  };
}

describe.each(["2.6", "3.0"])("Kea %s on a real pair, through the handlers", (version) => {
  let pair: KeaVersionPairInfo;
  const baseline: Obj[] = [];

  beforeAll(async () => {
    pair = keaVersionPair(readLabInfo(), version);
    await resetPair(pair);
    for (const server of [...pair.servers, pair.spoke]) baseline.push(await running(server));
  });

  afterAll(async () => {
    if (pair) await resetPair(pair);
  });

  it("reports the version it runs, through the Control Agent (2.6) or kea-dhcp4's own HTTP socket with basic auth (3.0)", async () => {
    for (const server of pair.servers) {
      const answer = await keaCommand(server, "version-get");
      expect(answer.text).toMatch(new RegExp(`^${version.replace(".", "\\.")}\\.\\d+`));
      const refused = await keaCommand(server, "version-get", undefined, { credentials: { user: server.auth.user, password: "wrong" } }).catch((e: Error) => e.message);
      expect(String(refused)).toMatch(/HTTP 401/);
    }
  });

  it("check refuses the README's shape (peer url = api.url): Kea's default dedicated listener would take the API's port", async () => {
    const spec = keaRelationship.parse(relationshipArgs(pair, "hot-standby", Number(new URL(pair.servers[0].agentUrl).port)));
    const failures = await step(pair, "check", (ctx) => keaBackend.relationship.checkLive!(ctx, spec));
    expect(failures.map((f) => f.property)).toEqual(["peers[0].url", "peers[1].url"]);
    expect(failures[0]!.reason).toContain(`the dedicated HA listener of ${pair.servers[0].name} would bind ${pair.servers[0].address}:8000 on Kea ${version}.`);
    for (const [index, server] of pair.servers.entries()) expect(await running(server)).toEqual(baseline[index]);
  });

  it("load-balancing with a membership: HA reaches load-balancing, no drift (3.0 reads the split back as client-classes), hot-standby in place, destroy restores the exact baseline", async () => {
    const spec = keaRelationship.parse(relationshipArgs(pair, "load-balancing", pair.haPort));
    expect(await step(pair, "check", (ctx) => keaBackend.relationship.checkLive!(ctx, spec))).toEqual([]);
    const created = await step(pair, "create", (ctx) => keaBackend.relationship.create(ctx, spec, { adopt: false }));
    expect(created.warnings ?? []).toEqual([]);
    expect(Object.values(created.status ?? {}).map((s) => s?.state)).toEqual(["load-balancing", "load-balancing"]);

    const member = keaMembership.parse({ vendor: "kea", relationship: keaRelationshipTarget(relationshipArgs(pair, "load-balancing", pair.haPort)), scope: pair.subnet });
    await step(pair, "member", (ctx) => keaBackend.membership.create(ctx, member, { adopt: false }));
    const pools = ((await running(pair.servers[0])).Dhcp4 as Obj).subnet4 as Obj[];
    const classes = (pools[0]!.pools as Obj[]).map((p) => (version === "3.0" ? p["client-classes"] : p["client-class"]));
    expect(classes).toEqual(version === "3.0" ? [["HA_kea30a"], ["HA_kea30b"]] : ["HA_kea26a", "HA_kea26b"]);
    const memberRead = await step(pair, "read", (ctx) => keaBackend.membership.read(ctx, member));
    const relationshipRead = await step(pair, "read", (ctx) => keaBackend.relationship.read(ctx, spec));
    for (const view of [...memberRead.views, ...relationshipRead.views]) expect(view.actual).toEqual(view.expected);

    const hotStandby: KeaRelationship = keaRelationship.parse(relationshipArgs(pair, "hot-standby", pair.haPort));
    const memberHs = keaMembership.parse({ vendor: "kea", relationship: keaRelationshipTarget(relationshipArgs(pair, "hot-standby", pair.haPort)), scope: pair.subnet });
    const updated = await step(pair, "update", (ctx) => keaBackend.relationship.update(ctx, spec, hotStandby, { changedSecrets: [] }));
    expect(Object.values(updated.status ?? {}).map((s) => s?.state)).toEqual(["hot-standby", "hot-standby"]);
    await step(pair, "member", (ctx) => keaBackend.membership.update(ctx, member, memberHs, { changedSecrets: [] }));
    const hsRead = await step(pair, "read", (ctx) => keaBackend.membership.read(ctx, memberHs));
    for (const view of hsRead.views) expect(view.actual).toEqual(view.expected);

    await step(pair, "delete", (ctx) => keaBackend.membership.delete(ctx, memberHs));
    await step(pair, "delete", (ctx) => keaBackend.relationship.delete(ctx, hotStandby));
    for (const [index, server] of pair.servers.entries()) expect(await running(server)).toEqual(baseline[index]);
  });

  it("hub-and-spoke: the hub in two hot-standby relationships (one port each); a spoke's primary stopped, the hub takes its clients", async () => {
    const [hub, spokeB] = pair.servers;
    const spokeC = pair.spoke;
    const peer = (server: KeaVersionServerInfo, name: string, port: number, role: string) => ({
      name,
      url: `http://${server.address}:${port}/`,
      role,
      api: { url: server.agentUrl, username: server.auth.user, password: server.auth.password },
      configPath: server.configPath,
    });
    const kea = { mode: "hot-standby", heartbeatDelay: 1000, maxResponseDelay: 3000, maxAckDelay: 2000, maxUnackedClients: 0, waitSeconds: 40 };
    const argsB = { vendor: "kea", name: `spoke-${spokeB.name}`, peers: [peer(spokeB, spokeB.name, pair.haPort, "primary"), peer(hub, `${hub.name}-1`, pair.haPort, "standby")], kea };
    const argsC = { vendor: "kea", name: `spoke-${spokeC.name}`, peers: [peer(spokeC, spokeC.name, pair.haPort, "primary"), peer(hub, `${hub.name}-2`, pair.haPort + 1, "standby")], kea };
    const relB = keaRelationship.parse(argsB);
    const relC = keaRelationship.parse(argsC);
    const memberB = keaMembership.parse({ vendor: "kea", relationship: keaRelationshipTarget(argsB), scope: pair.subnet });
    const memberC = keaMembership.parse({ vendor: "kea", relationship: keaRelationshipTarget(argsC), scope: pair.spokeSubnet.subnet });

    // The same hub port for both relationships is refused at check, before anything is written.
    const clash = keaRelationship.parse({ ...argsC, peers: [argsC.peers[0], peer(hub, `${hub.name}-2`, pair.haPort, "standby")] });
    await step(pair, "create", (ctx) => keaBackend.relationship.create(ctx, relB, { adopt: false }));
    const refused = await step(pair, "check", (ctx) => keaBackend.relationship.checkLive!(ctx, clash));
    expect(refused.map((f) => f.property)).toEqual(["peers[1].url"]);
    expect(refused[0]!.reason).toContain(`where the dedicated HA listener of ${hub.name}-1 listens`);

    const createdC = await step(pair, "create", (ctx) => keaBackend.relationship.create(ctx, relC, { adopt: false }));
    expect(Object.values(createdC.status ?? {}).map((s) => s?.state)).toEqual(["hot-standby", "hot-standby"]);
    await step(pair, "member", (ctx) => keaBackend.membership.create(ctx, memberB, { adopt: false }));
    await step(pair, "member", (ctx) => keaBackend.membership.create(ctx, memberC, { adopt: false }));
    const hubRelationships = (((await running(hub)).Dhcp4 as Obj)["hooks-libraries"] as Obj[])
      .flatMap((library) => ((library.parameters as Obj | undefined)?.["high-availability"] ?? []) as Obj[])
      .map((entry) => entry["this-server-name"]);
    expect(hubRelationships).toEqual([`${hub.name}-1`, `${hub.name}-2`]);

    const stop = await keaCtl(spokeB, "stop");
    expect(stop.exitCode).toBe(0);
    try {
      const target = keaBackend.relationship.target(relB);
      let state = "";
      for (let i = 0; i < 60 && state !== "partner-down"; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        state = (await step(pair, "status", (ctx) => keaBackend.relationship.status(ctx, target)))[`${hub.name}-1`]?.state ?? "";
      }
      expect(state).toBe("partner-down");
      const lease = await acquireLease(`kea${pair.version.replace(".", "")}` as PairName, { timeoutSeconds: 15 });
      expect(lease.serverId).toBe(hub.address);
    } finally {
      const start = await keaCtl(spokeB, "start");
      expect(start.exitCode).toBe(0);
    }

    await step(pair, "delete", (ctx) => keaBackend.membership.delete(ctx, memberB));
    await step(pair, "delete", (ctx) => keaBackend.membership.delete(ctx, memberC));
    await step(pair, "delete", (ctx) => keaBackend.relationship.delete(ctx, relB));
    await step(pair, "delete", (ctx) => keaBackend.relationship.delete(ctx, relC));
    for (const [index, server] of [...pair.servers, pair.spoke].entries()) expect(await running(server)).toEqual(baseline[index]);
  });
});
