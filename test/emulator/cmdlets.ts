// The DhcpServer cmdlets as Microsoft documents them (docset/winserver2022-ps/dhcpserver), acting on the
// emulated pair's state, with their documented errors. Error ids follow Windows' "DHCP <code>,<cmdlet>" form
// with the dhcpsapi.h / MS-DHCPM codes (20113 ERROR_DHCP_FO_SCOPE_ALREADY_IN_RELATIONSHIP, ...). CONTRACT.md
// names the source of each behaviour, and which ones are assumptions.
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import type { Command } from "./interpreter.ts";
import { findServer, isDhcpAdministrator, type EmuRelationship, type EmuScope, type EmuServer, type EmuState } from "./store.ts";
import { IPAddress, PSError, PSObject, Refusal, TimeSpan, toNumber, toText, typeName, type Value } from "./values.ts";

const ERR = {
  SUBNET_EXISTS: 20004,
  SUBNET_NOT_PRESENT: 20005,
  SCOPE_IN_RELATIONSHIP: 20113,
  RELATIONSHIP_EXISTS: 20114,
  RELATIONSHIP_DOES_NOT_EXIST: 20115,
  SCOPE_NOT_IN_RELATIONSHIP: 20116,
  FO_NOT_SUPPORTED: 20118,
  STATE_NOT_NORMAL: 20120,
  SERVER_NOT_REACHABLE: 20122,
  NAME_TOO_LONG: 20125,
  MAX_RELATIONSHIPS: 20128,
  SCOPE_SYNC_IN_PROGRESS: 20133,
  FEATURE_NOT_SUPPORTED: 20134,
  INVALID_PARAMETER: 87,
} as const;

const MAX_RELATIONSHIPS = 31;
const MAX_NAME = 126;
const UNSUPPORTED = ["cimsession", "asjob", "throttlelimit"];
/** The cmdlets that change a server (the rest only read). */
const WRITES = /^(Add|Set|Remove|Invoke)-/;

type Parameters = Map<string, Value>;

function fail(cmdlet: string, code: number, message: string): never {
  throw new PSError(message, `DHCP ${code},${cmdlet}`);
}

function text(parameters: Parameters, name: string): string | undefined {
  const value = parameters.get(name);
  return value === undefined || value === null ? undefined : toText(value);
}

function required(cmdlet: string, parameters: Parameters, name: string): string {
  const value = text(parameters, name);
  if (value === undefined || value === "") throw new PSError(`Cannot validate argument on parameter '${name}'. The argument is null or empty.`, `ParameterArgumentValidationError,${cmdlet}`);
  return value;
}

function scopeIdsOf(cmdlet: string, value: Value | undefined): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => {
    const id = item instanceof IPAddress ? item.text : toText(item);
    if (isIP(id) === 0) throw new PSError(`Cannot convert value "${id}" to type "System.Net.IPAddress". Error: "An invalid IP address was specified."`, `ParameterArgumentTransformationError,${cmdlet}`);
    return id;
  });
}

function seconds(cmdlet: string, value: Value | undefined, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof TimeSpan) return value.totalSeconds;
  const match = typeof value === "string" ? /^(?:(\d+)\.)?(\d+):(\d{2}):(\d{2})$/.exec(value) : null;
  if (!match) throw new PSError(`Cannot convert value "${toText(value)}" to type "System.TimeSpan" for parameter '${name}'.`, `ParameterArgumentTransformationError,${cmdlet}`);
  return Number(match[1] ?? 0) * 86_400 + Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]);
}

function uint(cmdlet: string, value: Value | undefined, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = toNumber(value, "System.UInt32");
  if (!Number.isInteger(number) || number < 0) throw new PSError(`Cannot convert value "${toText(value)}" to type "System.UInt32" for parameter '${name}'.`, `ParameterArgumentTransformationError,${cmdlet}`);
  return number;
}

function bool(value: Value | undefined): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new Refusal(`a Boolean parameter given a ${typeName(value)}`);
  return value;
}

function digest(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

function ipNumber(address: string): number {
  return address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Where a session runs: over SSH it runs on the machine it logged on to, the first server its scripts name. */
export interface SessionContext {
  transport: "ssh" | "local";
  machine?: string;
}

export function emulatorCommands(state: EmuState, session: SessionContext = { transport: "local" }): Command[] {
  function journal(server: string, cmdlet: string, parameters: Parameters): void {
    const recorded: Record<string, unknown> = {};
    for (const [name, value] of parameters) {
      if (name === "sharedsecret") recorded[name] = value === null ? null : "(secret)";
      else recorded[name] = plain(value);
    }
    state.journal.push({ server, cmdlet, parameters: recorded });
  }

  /** The server -ComputerName names; an unknown or unreachable one fails as an RPC error does. */
  function target(cmdlet: string, parameters: Parameters, action: string): EmuServer {
    for (const name of UNSUPPORTED) if (parameters.has(name)) throw new Refusal(`${cmdlet} -${name}: not modelled`);
    if (parameters.get("whatif") === true) throw new Refusal(`${cmdlet} -WhatIf: not modelled`);
    const computerName = text(parameters, "computername");
    if (computerName === undefined) throw new Refusal(`${cmdlet} without -ComputerName: the emulator has no local DHCP server`);
    const server = findServer(state, computerName);
    journal((server?.computerName ?? computerName).toLowerCase(), cmdlet, parameters);
    if (server && session.transport === "ssh") session.machine ??= server.computerName;
    denyWithoutOutboundCredentials(cmdlet, server, computerName, action);
    if (!server || !server.reachable) {
      throw new PSError(`Failed to ${action} on DHCP server ${computerName}. The RPC server is unavailable.`, `WIN32 1722,${cmdlet}`);
    }
    denyUnlessAdministrator(cmdlet, server, action);
    return server;
  }

  /** A key logon over SSH reaches no other computer (PowerShell/Win32-OpenSSH#518, #1264): Windows answers Access denied. */
  function denyWithoutOutboundCredentials(cmdlet: string, server: EmuServer | undefined, name: string, action: string): void {
    if (session.transport !== "ssh" || session.machine === undefined) return;
    const machine = findServer(state, session.machine);
    if (machine?.sshLogon !== "key" || server === machine) return;
    throw new PSError(`Failed to ${action} on DHCP server ${server?.computerName ?? name}. Access is denied.`, `WIN32 5,${cmdlet}`);
  }

  /** DHCP Users may read; every change needs DHCP Administrators, on the partner too when it reaches it. */
  function denyUnlessAdministrator(cmdlet: string, server: EmuServer, action: string): void {
    if (WRITES.test(cmdlet) && !isDhcpAdministrator(state, server)) {
      throw new PSError(`Failed to ${action} on DHCP server ${server.computerName}. Access is denied.`, `WIN32 5,${cmdlet}`);
    }
  }

  function partnerOf(cmdlet: string, server: EmuServer, relationship: EmuRelationship): EmuServer {
    const partner = findServer(state, relationship.partnerServer);
    denyWithoutOutboundCredentials(cmdlet, partner, relationship.partnerServer, "configure the failover partner");
    if (!partner || !partner.reachable) {
      fail(cmdlet, ERR.SERVER_NOT_REACHABLE, `The failover partner server ${relationship.partnerServer} of ${server.computerName} cannot be reached. ERROR_DHCP_SERVER_NOT_REACHABLE`);
    }
    denyUnlessAdministrator(cmdlet, partner, "configure the failover partner");
    return partner;
  }

  function relationshipOn(cmdlet: string, server: EmuServer, name: string): EmuRelationship {
    const relationship = server.relationships.find((r) => r.name.toLowerCase() === name.toLowerCase());
    if (!relationship) fail(cmdlet, ERR.RELATIONSHIP_DOES_NOT_EXIST, `Failover relationship ${name} does not exist on DHCP server ${server.computerName}. ERROR_DHCP_FO_RELATIONSHIP_DOES_NOT_EXIST`);
    return relationship;
  }

  function mirror(server: EmuServer, partner: EmuServer, name: string): EmuRelationship | undefined {
    const record = partner.relationships.find((r) => r.name.toLowerCase() === name.toLowerCase());
    return record && findServer(state, record.partnerServer) === server ? record : undefined;
  }

  /** A configuration sync between the partners is running: Add-/Remove-DhcpServerv4FailoverScope fail, retryable. */
  function refuseDuringSync(cmdlet: string, server: EmuServer, relationship: EmuRelationship): void {
    if (relationship.syncInProgress) fail(cmdlet, ERR.SCOPE_SYNC_IN_PROGRESS, `A scope synchronisation of failover relationship ${relationship.name} is in progress on DHCP server ${server.computerName}; try again later. ERROR_DHCP_FO_SCOPE_SYNC_IN_PROGRESS`);
  }

  function relationshipOfScope(server: EmuServer, scopeId: string): EmuRelationship | undefined {
    return server.relationships.find((r) => r.scopeIds.includes(scopeId));
  }

  function scopeOn(cmdlet: string, server: EmuServer, scopeId: string): EmuScope {
    const scope = server.scopes.find((s) => s.scopeId === scopeId);
    if (!scope) fail(cmdlet, ERR.SUBNET_NOT_PRESENT, `Failed to get scope ${scopeId} on DHCP server ${server.computerName}. The specified IPv4 subnet does not exist. ERROR_DHCP_SUBNET_NOT_PRESENT`);
    return scope;
  }

  /**
   * The state Get-DhcpServerv4Failover reports. A state a test set (RECOVER, RECOVER_WAIT, RECOVER_DONE,
   * POTENTIAL_CONFLICT, PARTNER_DOWN) stands; otherwise NORMAL while the partner answers and COMMUNICATION
   * INTERRUPTED while it does not, until StateSwitchInterval has passed with AutoStateTransition on: then
   * PARTNER DOWN (Set-DhcpServerv4Failover's AutoStateTransition and StateSwitchInterval).
   */
  function effectiveState(server: EmuServer, relationship: EmuRelationship): string {
    if (relationship.state !== "Normal") return relationship.state;
    const partner = findServer(state, relationship.partnerServer);
    if (partner?.reachable) return "Normal";
    const since = partner?.unreachableSince;
    const interval = relationship.stateSwitchIntervalSeconds;
    if (relationship.autoStateTransition && interval !== null && since !== undefined && Date.now() - since >= interval * 1000) {
      relationship.state = "PartnerDown";
      return "PartnerDown";
    }
    return "CommunicationInterrupted";
  }

  function failoverObject(server: EmuServer, r: EmuRelationship): PSObject {
    const partner = findServer(state, r.partnerServer);
    const [primary, secondary] = r.serverType === "PrimaryServer" ? [server, partner] : [partner, server];
    const nameOf = (host: EmuServer | undefined, fallback: string) => host?.computerName ?? fallback;
    return new PSObject("DhcpServerv4Failover", {
      Name: r.name,
      PartnerServer: r.partnerServer,
      Mode: r.mode,
      ServerRole: r.mode === "HotStandby" ? r.serverRole : null,
      LoadBalancePercent: r.mode === "LoadBalance" ? r.loadBalancePercent : null,
      ReservePercent: r.mode === "HotStandby" ? r.reservePercent : null,
      MaxClientLeadTime: new TimeSpan(r.maxClientLeadTimeSeconds),
      AutoStateTransition: r.autoStateTransition,
      StateSwitchInterval: r.stateSwitchIntervalSeconds === null ? null : new TimeSpan(r.stateSwitchIntervalSeconds),
      State: effectiveState(server, r),
      ScopeId: r.scopeIds.map((id) => new IPAddress(id)),
      EnableAuth: r.enableAuth,
      PrimaryServerName: nameOf(primary, r.partnerServer),
      SecondaryServerName: nameOf(secondary, r.partnerServer),
      PrimaryServerIP: primary?.address ? new IPAddress(primary.address) : null,
      SecondaryServerIP: secondary?.address ? new IPAddress(secondary.address) : null,
      ServerType: r.serverType,
    });
  }

  function checkScopesForFailover(cmdlet: string, server: EmuServer, partner: EmuServer, scopeIds: string[]): void {
    if (scopeIds.length === 0) throw new PSError("Cannot bind argument to parameter 'ScopeId' because it is an empty array.", `ParameterArgumentValidationErrorEmptyArrayNotAllowed,${cmdlet}`);
    for (const id of scopeIds) {
      if (isIP(id) === 6) fail(cmdlet, ERR.FO_NOT_SUPPORTED, `Failover is not supported for IPv6 scope ${id}. ERROR_DHCP_FO_NOT_SUPPORTED`);
      scopeOn(cmdlet, server, id);
      const existing = relationshipOfScope(server, id);
      if (existing) fail(cmdlet, ERR.SCOPE_IN_RELATIONSHIP, `The scope ${id} is already part of failover relationship ${existing.name} on DHCP server ${server.computerName}. ERROR_DHCP_FO_SCOPE_ALREADY_IN_RELATIONSHIP`);
      if (partner.scopes.some((s) => s.scopeId === id)) {
        fail(cmdlet, ERR.SUBNET_EXISTS, `The scope ${id} already exists on the partner DHCP server ${partner.computerName}. ERROR_DHCP_SUBNET_EXITS`);
      }
    }
  }

  function copyScopes(server: EmuServer, partner: EmuServer, scopeIds: string[]): void {
    for (const id of scopeIds) {
      const copy = structuredClone(server.scopes.find((s) => s.scopeId === id)!);
      partner.scopes = [...partner.scopes.filter((s) => s.scopeId !== id), copy];
    }
  }

  const addFailover: Command = {
    name: "Add-DhcpServerv4Failover",
    parameters: ["ComputerName", "Name", "PartnerServer", "ScopeId", "MaxClientLeadTime", "AutoStateTransition", "StateSwitchInterval", "SharedSecret", "LoadBalancePercent", "ReservePercent", "ServerRole", "CimSession", "ThrottleLimit"],
    switches: ["Force", "PassThru", "AsJob"],
    run(p) {
      const cmdlet = this.name;
      const server = target(cmdlet, p, "add failover relationship");
      const name = required(cmdlet, p, "name");
      const partnerName = required(cmdlet, p, "partnerserver");
      const scopeIds = scopeIdsOf(cmdlet, p.get("scopeid"));
      const hotStandby = p.has("reservepercent") || p.has("serverrole");
      if (hotStandby && p.has("loadbalancepercent")) throw new PSError("Parameter set cannot be resolved using the specified named parameters.", `AmbiguousParameterSet,${cmdlet}`);
      if (name.length > MAX_NAME) fail(cmdlet, ERR.NAME_TOO_LONG, `The failover relationship name is longer than ${MAX_NAME} characters. ERROR_DHCP_FO_RELATIONSHIP_NAME_TOO_LONG`);
      if (server.relationships.some((r) => r.name.toLowerCase() === name.toLowerCase())) {
        fail(cmdlet, ERR.RELATIONSHIP_EXISTS, `A failover relationship named ${name} already exists on DHCP server ${server.computerName}. ERROR_DHCP_FO_RELATIONSHIP_EXISTS`);
      }
      if (server.relationships.length >= MAX_RELATIONSHIPS) fail(cmdlet, ERR.MAX_RELATIONSHIPS, `DHCP server ${server.computerName} already has ${MAX_RELATIONSHIPS} failover relationships. ERROR_DHCP_FO_MAX_RELATIONSHIPS`);
      const partner = findServer(state, partnerName);
      denyWithoutOutboundCredentials(cmdlet, partner, partnerName, "configure the failover partner");
      if (!partner || !partner.reachable) fail(cmdlet, ERR.SERVER_NOT_REACHABLE, `The partner DHCP server ${partnerName} cannot be reached. ERROR_DHCP_SERVER_NOT_REACHABLE`);
      if (partner === server) fail(cmdlet, ERR.INVALID_PARAMETER, "The partner server must be another DHCP server.");
      denyUnlessAdministrator(cmdlet, partner, "configure the failover partner");
      if (partner.relationships.some((r) => r.name.toLowerCase() === name.toLowerCase())) {
        fail(cmdlet, ERR.RELATIONSHIP_EXISTS, `A failover relationship named ${name} already exists on the partner DHCP server ${partner.computerName}. ERROR_DHCP_FO_RELATIONSHIP_EXISTS`);
      }
      if (partner.relationships.length >= MAX_RELATIONSHIPS) fail(cmdlet, ERR.MAX_RELATIONSHIPS, `The partner DHCP server ${partner.computerName} already has ${MAX_RELATIONSHIPS} failover relationships. ERROR_DHCP_FO_MAX_RELATIONSHIPS`);
      checkScopesForFailover(cmdlet, server, partner, scopeIds);
      const mclt = seconds(cmdlet, p.get("maxclientleadtime"), "MaxClientLeadTime") ?? 3600;
      if (mclt <= 0) fail(cmdlet, ERR.INVALID_PARAMETER, "The maximum client lead time is invalid. The parameter is incorrect.");
      const ssi = seconds(cmdlet, p.get("stateswitchinterval"), "StateSwitchInterval") ?? null;
      const percent = uint(cmdlet, p.get("loadbalancepercent"), "LoadBalancePercent") ?? 50;
      const reserve = uint(cmdlet, p.get("reservepercent"), "ReservePercent") ?? 5;
      if (percent > 100 || reserve > 100) fail(cmdlet, ERR.INVALID_PARAMETER, "The percentage must be between 0 and 100. The parameter is incorrect.");
      const roleText = text(p, "serverrole") ?? "Active";
      if (!/^(active|standby)$/i.test(roleText)) throw new PSError(`Cannot validate argument on parameter 'ServerRole'. The argument "${roleText}" does not belong to the set "Active,Standby".`, `ParameterArgumentValidationError,${cmdlet}`);
      const role = roleText.toLowerCase() === "standby" ? "Standby" : "Active";
      const secret = p.get("sharedsecret");
      if (secret !== undefined && secret !== null && p.get("force") !== true && p.get("confirm") !== false) {
        throw new Refusal(`${cmdlet} -SharedSecret without -Force would prompt for confirmation, which blocks a non-interactive session`);
      }
      const auto = ssi !== null ? true : (bool(p.get("autostatetransition")) ?? false);
      const base = {
        name,
        mode: hotStandby ? ("HotStandby" as const) : ("LoadBalance" as const),
        reservePercent: reserve,
        maxClientLeadTimeSeconds: mclt,
        autoStateTransition: auto,
        stateSwitchIntervalSeconds: auto ? ssi : null,
        enableAuth: secret !== undefined && secret !== null,
        sharedSecretDigest: secret === undefined || secret === null ? null : digest(toText(secret)),
        state: "Normal" as const,
        scopeIds: [...scopeIds],
      };
      server.relationships.push({
        ...base,
        partnerServer: partnerName,
        serverRole: hotStandby ? role : "",
        loadBalancePercent: percent,
        serverType: "PrimaryServer",
      });
      partner.relationships.push({
        ...base,
        scopeIds: [...scopeIds],
        partnerServer: server.computerName,
        serverRole: hotStandby ? (role === "Active" ? "Standby" : "Active") : "",
        loadBalancePercent: 100 - percent,
        serverType: "SecondaryServer",
      });
      copyScopes(server, partner, scopeIds);
      return p.get("passthru") === true ? [failoverObject(server, server.relationships[server.relationships.length - 1]!)] : [];
    },
  };

  const setFailover: Command = {
    name: "Set-DhcpServerv4Failover",
    parameters: ["ComputerName", "Name", "AutoStateTransition", "MaxClientLeadTime", "SharedSecret", "StateSwitchInterval", "LoadBalancePercent", "ReservePercent", "Mode", "CimSession", "ThrottleLimit"],
    switches: ["PartnerDown", "Force", "PassThru", "AsJob"],
    run(p) {
      const cmdlet = this.name;
      const server = target(cmdlet, p, "set failover relationship");
      const relationship = relationshipOn(cmdlet, server, required(cmdlet, p, "name"));
      if (p.get("partnerdown") === true) {
        if (effectiveState(server, relationship) !== "CommunicationInterrupted") {
          fail(cmdlet, ERR.STATE_NOT_NORMAL, `Failed to set the failover relationship ${relationship.name} to PARTNER DOWN on DHCP server ${server.computerName}: the server is in ${effectiveState(server, relationship)} state, not COMMUNICATION INTERRUPTED.`);
        }
        relationship.state = "PartnerDown";
        return [];
      }
      const partner = partnerOf(cmdlet, server, relationship);
      const other = mirror(server, partner, relationship.name);
      const modeText = text(p, "mode");
      if (modeText !== undefined && !/^(loadbalance|hotstandby)$/i.test(modeText)) {
        throw new PSError(`Cannot validate argument on parameter 'Mode'. The argument "${modeText}" does not belong to the set "LoadBalance,HotStandby".`, `ParameterArgumentValidationError,${cmdlet}`);
      }
      // ASSUMPTION (CONTRACT.md): that -Mode needs 2012 R2 is not documented (the winserver2012-ps page lists -Mode); the stricter reading is kept.
      if (modeText !== undefined && (server.version.major < 6 || (server.version.major === 6 && server.version.minor < 3))) {
        fail(cmdlet, ERR.FEATURE_NOT_SUPPORTED, `Changing the failover mode needs Windows Server 2012 R2 or later; DHCP server ${server.computerName} runs ${server.version.major}.${server.version.minor}. ERROR_DHCP_FO_FEATURE_NOT_SUPPORTED`);
      }
      if ((p.has("sharedsecret") || modeText !== undefined) && p.get("force") !== true && p.get("confirm") !== false) {
        throw new Refusal(`${cmdlet} with -SharedSecret or -Mode but without -Force would prompt for confirmation`);
      }
      const mode = modeText === undefined ? relationship.mode : modeText.toLowerCase() === "hotstandby" ? "HotStandby" : "LoadBalance";
      const percent = uint(cmdlet, p.get("loadbalancepercent"), "LoadBalancePercent");
      const reserve = uint(cmdlet, p.get("reservepercent"), "ReservePercent");
      if (percent !== undefined && mode !== "LoadBalance") fail(cmdlet, ERR.INVALID_PARAMETER, "LoadBalancePercent applies to a load balance relationship. The parameter is incorrect.");
      if (reserve !== undefined && mode !== "HotStandby") fail(cmdlet, ERR.INVALID_PARAMETER, "ReservePercent applies to a hot standby relationship. The parameter is incorrect.");
      if ((percent ?? 0) > 100 || (reserve ?? 0) > 100) fail(cmdlet, ERR.INVALID_PARAMETER, "The percentage must be between 0 and 100. The parameter is incorrect.");
      const mclt = seconds(cmdlet, p.get("maxclientleadtime"), "MaxClientLeadTime");
      if (mclt !== undefined && mclt <= 0) fail(cmdlet, ERR.INVALID_PARAMETER, "The maximum client lead time is invalid. The parameter is incorrect.");
      const ssi = seconds(cmdlet, p.get("stateswitchinterval"), "StateSwitchInterval");
      const auto = bool(p.get("autostatetransition"));
      const records = other ? [relationship, other] : [relationship];
      for (const record of records) {
        const local = record === relationship;
        if (mode !== record.mode) {
          record.mode = mode;
          // ASSUMPTION (CONTRACT.md): Microsoft does not say which server becomes active; the emulator picks the one the change runs on.
          record.serverRole = mode === "HotStandby" ? (local ? "Active" : "Standby") : "";
          if (mode === "LoadBalance" && percent === undefined) record.loadBalancePercent = 50;
          if (mode === "HotStandby" && reserve === undefined) record.reservePercent = 5;
        }
        if (percent !== undefined) record.loadBalancePercent = local ? percent : 100 - percent;
        if (reserve !== undefined) record.reservePercent = reserve;
        if (mclt !== undefined) record.maxClientLeadTimeSeconds = mclt;
        if (ssi !== undefined) {
          record.stateSwitchIntervalSeconds = ssi;
          record.autoStateTransition = true;
        }
        if (auto !== undefined) {
          record.autoStateTransition = auto;
          if (!auto) record.stateSwitchIntervalSeconds = null;
        }
        if (p.has("sharedsecret")) {
          const secret = p.get("sharedsecret");
          record.enableAuth = secret !== null && secret !== undefined;
          record.sharedSecretDigest = record.enableAuth ? digest(toText(secret!)) : null;
        }
      }
      return p.get("passthru") === true ? [failoverObject(server, relationship)] : [];
    },
  };

  const removeFailover: Command = {
    name: "Remove-DhcpServerv4Failover",
    parameters: ["ComputerName", "Name", "CimSession", "ThrottleLimit"],
    switches: ["Force", "PassThru", "AsJob"],
    run(p) {
      const cmdlet = this.name;
      const server = target(cmdlet, p, "delete failover relationship");
      const names = (Array.isArray(p.get("name")) ? (p.get("name") as Value[]) : [p.get("name") ?? null]).map(toText);
      for (const name of names) {
        const relationship = relationshipOn(cmdlet, server, name);
        const partner = partnerOf(cmdlet, server, relationship);
        const other = mirror(server, partner, relationship.name);
        // The scopes stay on both servers, no longer in failover.
        server.relationships = server.relationships.filter((r) => r !== relationship);
        if (other) partner.relationships = partner.relationships.filter((r) => r !== other);
      }
      return [];
    },
  };

  const addFailoverScope: Command = {
    name: "Add-DhcpServerv4FailoverScope",
    parameters: ["ComputerName", "Name", "ScopeId", "CimSession", "ThrottleLimit"],
    switches: ["PassThru", "AsJob"],
    run(p) {
      const cmdlet = this.name;
      const server = target(cmdlet, p, "add scopes to failover relationship");
      const relationship = relationshipOn(cmdlet, server, required(cmdlet, p, "name"));
      const partner = partnerOf(cmdlet, server, relationship);
      const other = mirror(server, partner, relationship.name);
      const scopeIds = scopeIdsOf(cmdlet, p.get("scopeid"));
      // MS-DHCPM 3.2.4.95 (R_DhcpV4FailoverAddScopeToRelationship): refused outside NORMAL and during a sync.
      const now = effectiveState(server, relationship);
      if (now !== "Normal") fail(cmdlet, ERR.STATE_NOT_NORMAL, `Failover relationship ${relationship.name} on DHCP server ${server.computerName} is in ${now} state, not NORMAL. ERROR_DHCP_FO_STATE_NOT_NORMAL`);
      refuseDuringSync(cmdlet, server, relationship);
      checkScopesForFailover(cmdlet, server, partner, scopeIds);
      relationship.scopeIds.push(...scopeIds);
      other?.scopeIds.push(...scopeIds);
      copyScopes(server, partner, scopeIds);
      return p.get("passthru") === true ? [failoverObject(server, relationship)] : [];
    },
  };

  const removeFailoverScope: Command = {
    name: "Remove-DhcpServerv4FailoverScope",
    parameters: ["ComputerName", "Name", "ScopeId", "CimSession", "ThrottleLimit"],
    switches: ["Force", "PassThru", "AsJob"],
    run(p) {
      const cmdlet = this.name;
      const server = target(cmdlet, p, "remove scopes from failover relationship");
      const relationship = relationshipOn(cmdlet, server, required(cmdlet, p, "name"));
      const partner = partnerOf(cmdlet, server, relationship);
      const other = mirror(server, partner, relationship.name);
      const scopeIds = scopeIdsOf(cmdlet, p.get("scopeid"));
      refuseDuringSync(cmdlet, server, relationship);
      for (const id of scopeIds) {
        if (!relationship.scopeIds.includes(id)) {
          fail(cmdlet, ERR.SCOPE_NOT_IN_RELATIONSHIP, `The scope ${id} is not part of failover relationship ${relationship.name}. ERROR_DHCP_FO_SCOPE_NOT_IN_RELATIONSHIP`);
        }
      }
      relationship.scopeIds = relationship.scopeIds.filter((id) => !scopeIds.includes(id));
      if (other) other.scopeIds = other.scopeIds.filter((id) => !scopeIds.includes(id));
      // Documented: the partner's copies are deleted, the -ComputerName server keeps its own.
      partner.scopes = partner.scopes.filter((s) => !scopeIds.includes(s.scopeId));
      if (relationship.scopeIds.length === 0 && state.removeLastScopeDeletesRelationship) {
        server.relationships = server.relationships.filter((r) => r !== relationship);
        if (other) partner.relationships = partner.relationships.filter((r) => r !== other);
      }
      return [];
    },
  };

  const invokeReplication: Command = {
    name: "Invoke-DhcpServerv4FailoverReplication",
    parameters: ["ComputerName", "Name", "ScopeId", "CimSession", "ThrottleLimit"],
    switches: ["Force", "AsJob"],
    run(p) {
      const cmdlet = this.name;
      const server = target(cmdlet, p, "replicate failover scopes");
      if (p.has("name") && p.has("scopeid")) throw new PSError("Parameter set cannot be resolved using the specified named parameters.", `AmbiguousParameterSet,${cmdlet}`);
      if (p.get("force") !== true && p.get("confirm") !== false) throw new Refusal(`${cmdlet} without -Force would prompt for confirmation`);
      let work: Array<{ relationship: EmuRelationship; scopeId: string }>;
      if (p.has("scopeid")) {
        work = scopeIdsOf(cmdlet, p.get("scopeid")).map((scopeId) => {
          const relationship = relationshipOfScope(server, scopeId);
          if (!relationship) fail(cmdlet, ERR.SCOPE_NOT_IN_RELATIONSHIP, `The scope ${scopeId} is not part of a failover relationship on DHCP server ${server.computerName}. ERROR_DHCP_FO_SCOPE_NOT_IN_RELATIONSHIP`);
          return { relationship, scopeId };
        });
      } else if (p.has("name")) {
        const names = (Array.isArray(p.get("name")) ? (p.get("name") as Value[]) : [p.get("name")!]).map(toText);
        work = names.flatMap((name) => {
          const relationship = relationshipOn(cmdlet, server, name);
          return relationship.scopeIds.map((scopeId) => ({ relationship, scopeId }));
        });
      } else {
        work = server.relationships.flatMap((relationship) => relationship.scopeIds.map((scopeId) => ({ relationship, scopeId })));
      }
      const replicated: Value[] = [];
      for (const { relationship, scopeId } of work) {
        const partner = partnerOf(cmdlet, server, relationship);
        const source = scopeOn(cmdlet, server, scopeId);
        const copy = structuredClone(source);
        const existing = partner.scopes.find((s) => s.scopeId === scopeId);
        // Scope properties, reservations, option values, exclusions and policies; the partner keeps its own leases.
        if (existing) copy.leasesInUse = existing.leasesInUse;
        partner.scopes = [...partner.scopes.filter((s) => s.scopeId !== scopeId), copy];
        replicated.push(scopeId);
      }
      return replicated;
    },
  };

  const getFailover: Command = {
    name: "Get-DhcpServerv4Failover",
    parameters: ["ComputerName", "Name", "ScopeId", "CimSession", "ThrottleLimit"],
    switches: ["AsJob"],
    run(p) {
      const cmdlet = this.name;
      const server = target(cmdlet, p, "get failover relationships");
      if (p.has("name")) return [failoverObject(server, relationshipOn(cmdlet, server, toText(p.get("name")!)))];
      if (p.has("scopeid")) {
        return scopeIdsOf(cmdlet, p.get("scopeid")).map((id) => {
          const relationship = relationshipOfScope(server, id);
          if (!relationship) fail(cmdlet, ERR.SCOPE_NOT_IN_RELATIONSHIP, `The scope ${id} is not part of a failover relationship. ERROR_DHCP_FO_SCOPE_NOT_IN_RELATIONSHIP`);
          return failoverObject(server, relationship);
        });
      }
      return server.relationships.map((r) => failoverObject(server, r));
    },
  };

  const getVersion: Command = {
    name: "Get-DhcpServerVersion",
    parameters: ["ComputerName", "CimSession", "ThrottleLimit"],
    switches: ["AsJob"],
    run(p) {
      const server = target(this.name, p, "get version of the DHCP server");
      return [new PSObject("DhcpServerVersion", { MajorVersion: server.version.major, MinorVersion: server.version.minor })];
    },
  };

  function statisticsOf(server: EmuServer, relationship: EmuRelationship | undefined, scope: EmuScope): PSObject {
    const excluded = scope.exclusions.reduce((sum, x) => sum + ipNumber(x.endRange) - ipNumber(x.startRange) + 1, 0);
    const total = Math.max(0, ipNumber(scope.endRange) - ipNumber(scope.startRange) + 1 - excluded);
    const inUse = Math.min(scope.leasesInUse, total);
    const free = total - inUse;
    const basic = { ScopeId: new IPAddress(scope.scopeId), AddressesFree: free, AddressesInUse: inUse, PercentageInUse: total === 0 ? 0 : (inUse * 100) / total };
    if (!relationship) return new PSObject("DhcpServerv4ScopeStatistics", basic);
    let share: number;
    if (relationship.mode === "LoadBalance") share = relationship.loadBalancePercent / 100;
    else share = relationship.serverRole === "Active" ? 1 - relationship.reservePercent / 100 : relationship.reservePercent / 100;
    const freeHere = Math.round(free * share);
    const inUseHere = Math.round(inUse * (relationship.mode === "LoadBalance" ? share : relationship.serverRole === "Active" ? 1 : 0));
    return new PSObject("DhcpServerv4ScopeStatistics", {
      ...basic,
      AddressesFreeOnThisServer: freeHere,
      AddressesFreeOnPartnerServer: free - freeHere,
      AddressesInUseOnThisServer: inUseHere,
      AddressesInUseOnPartnerServer: inUse - inUseHere,
    });
  }

  const getScopeStatistics: Command = {
    name: "Get-DhcpServerv4ScopeStatistics",
    parameters: ["ComputerName", "ScopeId", "CimSession", "ThrottleLimit"],
    switches: ["Failover", "AsJob"],
    run(p) {
      const cmdlet = this.name;
      const server = target(cmdlet, p, "get scope statistics");
      if (p.get("failover") !== true) throw new Refusal(`${cmdlet} without -Failover: not modelled`);
      // Every IPv4 scope; -Failover adds the failover fields where the scope is in a relationship.
      const wanted = p.has("scopeid") ? scopeIdsOf(cmdlet, p.get("scopeid")) : server.scopes.map((s) => s.scopeId);
      return wanted.map((id) => statisticsOf(server, relationshipOfScope(server, id), scopeOn(cmdlet, server, id)));
    },
  };

  function scopeObject(scope: EmuScope): PSObject {
    return new PSObject("DhcpServerv4Scope", {
      ScopeId: new IPAddress(scope.scopeId),
      Name: scope.name,
      SubnetMask: new IPAddress(scope.subnetMask),
      StartRange: new IPAddress(scope.startRange),
      EndRange: new IPAddress(scope.endRange),
      LeaseDuration: new TimeSpan(scope.leaseDurationSeconds),
      State: scope.state,
      Description: scope.description,
    });
  }

  const getScope: Command = {
    name: "Get-DhcpServerv4Scope",
    parameters: ["ComputerName", "ScopeId", "CimSession", "ThrottleLimit"],
    switches: ["AsJob"],
    run(p) {
      const cmdlet = this.name;
      const server = target(cmdlet, p, "enumerate scopes");
      if (p.has("scopeid")) return scopeIdsOf(cmdlet, p.get("scopeid")).map((id) => scopeObject(scopeOn(cmdlet, server, id)));
      return server.scopes.map(scopeObject);
    },
  };

  const setScope: Command = {
    name: "Set-DhcpServerv4Scope",
    parameters: ["ComputerName", "ScopeId", "State", "CimSession", "ThrottleLimit"],
    switches: ["PassThru", "AsJob"],
    run(p) {
      const cmdlet = this.name;
      const server = target(cmdlet, p, "set scope");
      const stateText = required(cmdlet, p, "state");
      if (!/^(active|inactive)$/i.test(stateText)) throw new PSError(`Cannot validate argument on parameter 'State'. The argument "${stateText}" does not belong to the set "Active,InActive".`, `ParameterArgumentValidationError,${cmdlet}`);
      for (const id of scopeIdsOf(cmdlet, p.get("scopeid"))) scopeOn(cmdlet, server, id).state = stateText.toLowerCase() === "active" ? "Active" : "InActive";
      return [];
    },
  };

  const removeScope: Command = {
    name: "Remove-DhcpServerv4Scope",
    parameters: ["ComputerName", "ScopeId", "CimSession", "ThrottleLimit"],
    switches: ["Force", "PassThru", "AsJob"],
    run(p) {
      const cmdlet = this.name;
      const server = target(cmdlet, p, "delete scope");
      for (const id of scopeIdsOf(cmdlet, p.get("scopeid"))) {
        scopeOn(cmdlet, server, id);
        const relationship = relationshipOfScope(server, id);
        if (relationship) fail(cmdlet, ERR.SCOPE_IN_RELATIONSHIP, `The scope ${id} is part of failover relationship ${relationship.name} and cannot be deleted without first removing it from the relationship. ERROR_DHCP_FO_SCOPE_ALREADY_IN_RELATIONSHIP`);
        server.scopes = server.scopes.filter((s) => s.scopeId !== id);
      }
      return [];
    },
  };

  function perScope(name: string, action: string, rows: (scope: EmuScope) => PSObject[]): Command {
    return {
      name,
      parameters: ["ComputerName", "ScopeId", "CimSession", "ThrottleLimit"],
      switches: ["AsJob"],
      run(p) {
        const server = target(name, p, action);
        if (!p.has("scopeid")) throw new Refusal(`${name} without -ScopeId: not modelled`);
        return scopeIdsOf(name, p.get("scopeid")).flatMap((id) => rows(scopeOn(name, server, id)));
      },
    };
  }

  const getOptionValue = perScope("Get-DhcpServerv4OptionValue", "get option values", (scope) =>
    scope.options.map((o) => new PSObject("DhcpOptionValue", { OptionId: o.optionId, Name: o.name, Type: o.type, Value: [...o.value], VendorClass: o.vendorClass, UserClass: o.userClass, PolicyName: null })),
  );
  const getReservation = perScope("Get-DhcpServerv4Reservation", "get reservations", (scope) =>
    scope.reservations.map((r) => new PSObject("DhcpServerv4Reservation", { IPAddress: new IPAddress(r.ipAddress), ScopeId: new IPAddress(scope.scopeId), ClientId: r.clientId, Name: r.name, Type: r.type, Description: r.description })),
  );
  const getExclusion = perScope("Get-DhcpServerv4ExclusionRange", "get exclusion ranges", (scope) =>
    scope.exclusions.map((x) => new PSObject("DhcpServerv4ExclusionRange", { ScopeId: new IPAddress(scope.scopeId), StartRange: new IPAddress(x.startRange), EndRange: new IPAddress(x.endRange) })),
  );
  const getPolicy = perScope("Get-DhcpServerv4Policy", "get policies", (scope) =>
    scope.policies.map((y) => new PSObject("DhcpServerv4Policy", { Name: y.name, ScopeId: new IPAddress(scope.scopeId), Enabled: y.enabled, ProcessingOrder: y.processingOrder, Condition: y.condition, Description: y.description })),
  );

  const convertToJson: Command = {
    name: "ConvertTo-Json",
    parameters: ["InputObject", "Depth"],
    switches: ["Compress", "EnumsAsStrings", "AsArray"],
    run(p, input) {
      if (p.has("enumsasstrings") || p.has("asarray")) throw new Refusal("ConvertTo-Json -EnumsAsStrings/-AsArray: not modelled");
      const value = p.has("inputobject") ? p.get("inputobject")! : input.length === 1 ? input[0]! : input;
      const depth = p.has("depth") ? toNumber(p.get("depth")!, "int") : 2;
      const json = toJson(value, depth);
      return [p.get("compress") === true ? JSON.stringify(json) : JSON.stringify(json, null, 2)];
    },
  };

  const convertFromJson: Command = {
    name: "ConvertFrom-Json",
    parameters: ["InputObject"],
    switches: [],
    run(p, input) {
      const source = p.has("inputobject") ? [p.get("inputobject")!] : input;
      let parsed: unknown;
      try {
        parsed = JSON.parse(source.map(toText).join("\n"));
      } catch (error) {
        throw new PSError(`Conversion from JSON failed with error: ${(error as Error).message}`, "System.ArgumentException,Microsoft.PowerShell.Commands.ConvertFromJsonCommand");
      }
      return [fromJson(parsed)];
    },
  };

  // DhcpServer is a CDXML module (its help file is PS_DhcpServerv4Failover_v1.0.0.cdxml-help.xml): its
  // functions see $ErrorActionPreference only from the global scope. ConvertTo-/ConvertFrom-Json are compiled
  // cmdlets and see the caller's scope.
  const dhcpServer = [
    addFailover, setFailover, removeFailover, addFailoverScope, removeFailoverScope, invokeReplication, { ...getFailover, ignoresErrorActionStop: true }, getVersion,
    getScopeStatistics, getScope, setScope, removeScope, getOptionValue, getReservation, getExclusion, getPolicy,
  ].map((command): Command => ({ ...command, cdxml: true }));
  return [...dhcpServer, convertToJson, convertFromJson];
}

function plain(value: Value): unknown {
  if (value instanceof TimeSpan) return { seconds: value.totalSeconds };
  if (value instanceof IPAddress) return value.text;
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof PSObject) return Object.fromEntries([...value.entries.values()].map(({ name, value: inner }) => [name, plain(inner)]));
  if (value === null || typeof value !== "object") return value;
  return typeName(value);
}

/** ConvertTo-Json for the values scripts build (never a CIM object as is: its real JSON would be noise). */
function toJson(value: Value, depth: number): unknown {
  if (value === null || typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((item) => toJson(item, depth - 1));
  if (value instanceof PSObject && (value.kind === "pscustomobject" || value.kind === "hashtable")) {
    if (depth < 0) throw new Refusal("ConvertTo-Json beyond -Depth would truncate silently; the scripts must give enough depth");
    return Object.fromEntries([...value.entries.values()].map(({ name, value: inner }) => [name, toJson(inner, depth - 1)]));
  }
  throw new Refusal(`ConvertTo-Json of a ${typeName(value)}: serialising cmdlet objects directly is not modelled (project them to plain values)`);
}

function fromJson(value: unknown): Value {
  if (value === null || typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(fromJson);
  const object = new PSObject("pscustomobject");
  for (const [name, inner] of Object.entries(value as Record<string, unknown>)) object.set(name, fromJson(inner));
  return object;
}


