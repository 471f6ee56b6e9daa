import type { OperationContext } from "../../provider/context";
import type { ReplicationOps, ScopeSync } from "../backend";
import { submitEdit } from "./commit";
import { compareSubnets, extractSubnet, findSubnet } from "./conf";
import { readConfigCached } from "./config";
import { copySubnet } from "./edits";
import { SIDES } from "./peerSpec";
import type { IscReplication, IscServer } from "./schema";
import { networkOf, replicationScopes } from "./scopes";

function servers(spec: IscReplication): { source: IscServer; partner: IscServer } {
  const side = SIDES.find((s) => spec.relationship[s].name === spec.source)!;
  return { source: spec.relationship[side], partner: spec.relationship[side === "primary" ? "secondary" : "primary"] };
}

async function compare(ctx: OperationContext, spec: IscReplication): Promise<ScopeSync> {
  const { source, partner } = servers(spec);
  const [from, to] = await Promise.all([readConfigCached(ctx, source), readConfigCached(ctx, partner)]);
  const scopes = replicationScopes(from.conf, spec, partner.address).map((scope) => {
    const { network, netmask } = networkOf(scope);
    if (!findSubnet(from.conf, network, netmask)) {
      return { scope, inSync: false, differences: [`subnet ${scope} is not declared on ${source.name}, the source`] };
    }
    if (!findSubnet(to.conf, network, netmask)) {
      return { scope, inSync: false, differences: [`subnet ${scope} is missing on ${partner.name}`] };
    }
    const differences = compareSubnets(extractSubnet(from.conf, network, netmask), extractSubnet(to.conf, network, netmask), { left: source.name, right: partner.name });
    return { scope, inSync: differences.length === 0, differences };
  });
  return { scopes };
}

export const iscReplicationOps: ReplicationOps<IscReplication> = {
  compare,
  async replicate(ctx, spec) {
    const { source, partner } = servers(spec);
    const from = await readConfigCached(ctx, source);
    const scopes = replicationScopes(from.conf, spec, partner.address);
    const outcomes = await Promise.all(
      scopes.map((scope) => {
        const { network, netmask } = networkOf(scope);
        if (!findSubnet(from.conf, network, netmask)) throw new Error(`subnet ${scope} is not declared on ${source.name}, the source: nothing to copy`);
        return submitEdit(ctx, partner, copySubnet(extractSubnet(from.conf, network, netmask), source.name, partner.name, spec.relationship.name));
      }),
    );
    return { replicated: scopes, warnings: outcomes.flatMap((o) => o.warnings) };
  },
};
