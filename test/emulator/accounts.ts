// Who runs the scripts and which groups they are in, as .NET documents it: WindowsIdentity.GetCurrent(),
// and System.DirectoryServices.AccountManagement (loaded with Add-Type) for a server's local groups:
// PrincipalContext(Machine, server), GroupPrincipal.FindByIdentity, GetMembers($true) with nested groups
// resolved. Only DHCP Administrators is modelled; any other group does not exist.
import type { Command } from "./interpreter.ts";
import { DEFAULT_ACCOUNT, type EmuState } from "./store.ts";
import { PSError, PSObject, Refusal, toText, type Value } from "./values.ts";

const ASSEMBLY = "System.DirectoryServices.AccountManagement";
const GROUP = "dhcp administrators";

export interface AccountApi {
  commands: Command[];
  staticMethod(key: string, args: Value[]): Value | undefined;
  method(target: PSObject, method: string, args: Value[]): Value | undefined;
}

export function accountApi(state: EmuState): AccountApi {
  const account = state.account ?? DEFAULT_ACCOUNT;
  let loaded = false;
  const groupServer = new WeakMap<PSObject, string>();

  const addType: Command = {
    name: "Add-Type",
    parameters: ["AssemblyName"],
    switches: [],
    run(p) {
      const name = toText(p.get("assemblyname") ?? null);
      if (name !== ASSEMBLY) throw new Refusal(`Add-Type -AssemblyName ${name}: only ${ASSEMBLY} is modelled`);
      loaded = true;
      return [];
    },
  };

  function requireAssembly(type: string): void {
    if (!loaded) throw new PSError(`Unable to find type [${type}].`, "TypeNotFound");
  }

  return {
    commands: [addType],
    staticMethod(key, args) {
      switch (key) {
        case "security.principal.windowsidentity::getcurrent":
          return new PSObject("WindowsIdentity", { Name: account.name, User: account.sid });
        case "directoryservices.accountmanagement.principalcontext::new": {
          requireAssembly("System.DirectoryServices.AccountManagement.PrincipalContext");
          const [contextType, name] = args;
          if (toText(contextType ?? null).toLowerCase() !== "machine" || args.length !== 2) throw new Refusal("PrincipalContext other than ('Machine', name): not modelled");
          return new PSObject("PrincipalContext", { ContextType: "Machine", Name: toText(name ?? null) });
        }
        case "directoryservices.accountmanagement.groupprincipal::findbyidentity": {
          requireAssembly("System.DirectoryServices.AccountManagement.GroupPrincipal");
          const [context, identity] = args;
          if (!(context instanceof PSObject) || context.kind !== "PrincipalContext" || args.length !== 2) throw new Refusal("FindByIdentity without a PrincipalContext: not modelled");
          const computerName = toText(context.get("Name"));
          const server = state.servers[computerName.toLowerCase()];
          if (!server || !server.reachable) {
            throw new PSError(`Exception calling "FindByIdentity" with "2" argument(s): "The network path was not found."`, "PrincipalServerDownException");
          }
          if (toText(identity ?? null).toLowerCase() !== GROUP) return null;
          const group = new PSObject("GroupPrincipal", { Name: "DHCP Administrators" });
          groupServer.set(group, computerName.toLowerCase());
          return group;
        }
        default:
          return undefined;
      }
    },
    method(target, method, args) {
      if (target.kind !== "GroupPrincipal" || method !== "getmembers") return undefined;
      if (args.length !== 1 || args[0] !== true) throw new Refusal("GetMembers without $true (recursive): not modelled");
      const server = state.servers[groupServer.get(target) ?? ""];
      if (!server) throw new Refusal("GetMembers of a group the emulator did not return");
      return (server.dhcpAdministrators ?? [account.sid]).map((sid) => new PSObject("Principal", { Sid: sid }));
    },
  };
}
