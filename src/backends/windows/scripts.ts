/**
 * The PowerShell the backend runs: fixed script text per operation, and one base64 literal holding the
 * operation's input as JSON. Values travel as data, never as code: whatever a name, secret or scope id
 * holds, the script's syntax is the same, and the only character classes spliced into the text are
 * base64's. Each script prints one JSON envelope: `{"ok":true,"result":...}` or `{"ok":false,...}` with the
 * failing cmdlet and its own message, so both transports report errors the same way.
 */

/** The cmdlet each script is about, for metrics and messages. */
export type ScriptKind = keyof typeof BODIES;

export interface Script {
  kind: ScriptKind;
  /** The cmdlet this script exists to run (metrics count it). */
  cmdlet: string;
  text: string;
}

/**
 * What every DhcpServer call carries. DhcpServer is a CDXML module: its functions see $ErrorActionPreference
 * only when it is set in the global scope (PowerShell/PowerShell#4568, #24389), and the scripts run in a
 * script block, so the prologue's preference does not reach them: each call says -ErrorAction Stop itself.
 * -ErrorAction Stop has been reported ignored by Get-DhcpServerv4Failover (MicrosoftDocs/windows-powershell-docs#1657),
 * so every call also collects its errors and RAISE turns any it wrote into the script's failure.
 */
const STOP = "-ErrorAction Stop -ErrorVariable failed";
const STOP_SPLAT = "ErrorAction = 'Stop'; ErrorVariable = 'failed'";
const RAISE = "foreach ($e in $failed) { throw $e }";

/** A DhcpServer call as a statement: stops on its errors and on any it only wrote. */
function call(statement: string): string {
  return `${statement} ${STOP}\n${RAISE}`;
}

/** UTF-8 output, so that names outside the console's code page come back intact over SSH. The preference still serves compiled cmdlets and .NET calls. */
const PROLOGUE = `[Console]::OutputEncoding = [Text.Encoding]::UTF8
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$step = 'decoding the input'
try {
$in = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('__INPUT__')) | ConvertFrom-Json -ErrorAction Stop
`;

const EPILOGUE = `
ConvertTo-Json -InputObject ([pscustomobject]@{ ok = $true; result = $result }) -Depth 10 -Compress
} catch {
ConvertTo-Json -InputObject ([pscustomobject]@{ ok = $false; step = $step; message = [string]$_.Exception.Message; errorId = [string]$_.FullyQualifiedErrorId }) -Compress
}
`;

/** Get-DhcpServerv4Failover's objects as plain JSON: TimeSpans as seconds, IPAddresses as strings. */
const READ_SERVER = `$step = 'Get-DhcpServerVersion'
${call("$version = Get-DhcpServerVersion -ComputerName $in.computerName")}
$step = 'Get-DhcpServerv4Failover'
${call("$failovers = Get-DhcpServerv4Failover -ComputerName $in.computerName")}
$relationships = @(foreach ($f in $failovers) {
$ssi = $null
if ($null -ne $f.StateSwitchInterval) { $ssi = [int]$f.StateSwitchInterval.TotalSeconds }
[pscustomobject]@{
name = [string]$f.Name
partnerServer = [string]$f.PartnerServer
primaryServerName = [string]$f.PrimaryServerName
secondaryServerName = [string]$f.SecondaryServerName
primaryServerIp = [string]$f.PrimaryServerIP
secondaryServerIp = [string]$f.SecondaryServerIP
serverType = [string]$f.ServerType
mode = [string]$f.Mode
serverRole = [string]$f.ServerRole
loadBalancePercent = [int]$f.LoadBalancePercent
reservePercent = [int]$f.ReservePercent
maxClientLeadTimeSeconds = [int]$f.MaxClientLeadTime.TotalSeconds
stateSwitchIntervalSeconds = $ssi
autoStateTransition = [bool]$f.AutoStateTransition
enableAuth = [bool]$f.EnableAuth
state = [string]$f.State
scopeIds = @(foreach ($s in $f.ScopeId) { [string]$s })
}
})
$step = 'Get-DhcpServerv4Scope'
${call("$found = Get-DhcpServerv4Scope -ComputerName $in.computerName")}
$scopes = @(foreach ($s in $found) {
[pscustomobject]@{ scopeId = [string]$s.ScopeId; name = [string]$s.Name; state = [string]$s.State }
})
$step = 'Get-DhcpServerv4ScopeStatistics'
${call("$found = Get-DhcpServerv4ScopeStatistics -ComputerName $in.computerName -Failover")}
$statistics = @(foreach ($s in $found) {
[pscustomobject]@{
scopeId = [string]$s.ScopeId
addressesFree = [int]$s.AddressesFree
addressesInUse = [int]$s.AddressesInUse
addressesFreeOnThisServer = [int]$s.AddressesFreeOnThisServer
addressesFreeOnPartnerServer = [int]$s.AddressesFreeOnPartnerServer
addressesInUseOnThisServer = [int]$s.AddressesInUseOnThisServer
addressesInUseOnPartnerServer = [int]$s.AddressesInUseOnPartnerServer
}
})
$result = [pscustomobject]@{
version = [pscustomobject]@{ major = [int]$version.MajorVersion; minor = [int]$version.MinorVersion }
relationships = $relationships
scopes = $scopes
statistics = $statistics
}`;

/** Every documented parameter; -Force and -Confirm:$false so that a shared secret never prompts. */
const ADD_FAILOVER = `$p = @{ ComputerName = $in.computerName; Name = $in.name; PartnerServer = $in.partnerServer; ScopeId = $in.scopeIds; MaxClientLeadTime = [TimeSpan]::FromSeconds($in.maxClientLeadTimeSeconds); AutoStateTransition = [bool]$in.autoStateTransition; Force = $true; Confirm = $false; ${STOP_SPLAT} }
if ($in.mode -eq 'HotStandby') { $p.ReservePercent = [uint32]$in.reservePercent; $p.ServerRole = [string]$in.serverRole } else { $p.LoadBalancePercent = [uint32]$in.loadBalancePercent }
if ($null -ne $in.stateSwitchIntervalSeconds) { $p.StateSwitchInterval = [TimeSpan]::FromSeconds($in.stateSwitchIntervalSeconds) }
if ($null -ne $in.sharedSecret) { $p.SharedSecret = [string]$in.sharedSecret }
$step = 'Add-DhcpServerv4Failover'
Add-DhcpServerv4Failover @p
${RAISE}
$result = $true`;

const ADD_FAILOVER_SCOPE = `$step = 'Add-DhcpServerv4FailoverScope'
${call("Add-DhcpServerv4FailoverScope -ComputerName $in.computerName -Name $in.name -ScopeId $in.scopeIds -Confirm:$false")}
$result = $true`;

const REMOVE_FAILOVER_SCOPE = `$step = 'Remove-DhcpServerv4FailoverScope'
${call("Remove-DhcpServerv4FailoverScope -ComputerName $in.computerName -Name $in.name -ScopeId $in.scopeIds -Force -Confirm:$false")}
$result = $true`;

/** Only the parameters the input holds; a null shared secret (with setSharedSecret) turns authentication off. */
const SET_FAILOVER = `$p = @{ ComputerName = $in.computerName; Name = $in.name; Force = $true; Confirm = $false; ${STOP_SPLAT} }
if ($null -ne $in.mode) { $p.Mode = [string]$in.mode }
if ($null -ne $in.loadBalancePercent) { $p.LoadBalancePercent = [uint32]$in.loadBalancePercent }
if ($null -ne $in.reservePercent) { $p.ReservePercent = [uint32]$in.reservePercent }
if ($null -ne $in.maxClientLeadTimeSeconds) { $p.MaxClientLeadTime = [TimeSpan]::FromSeconds($in.maxClientLeadTimeSeconds) }
if ($null -ne $in.autoStateTransition) { $p.AutoStateTransition = [bool]$in.autoStateTransition }
if ($null -ne $in.stateSwitchIntervalSeconds) { $p.StateSwitchInterval = [TimeSpan]::FromSeconds($in.stateSwitchIntervalSeconds) }
if ($in.setSharedSecret) { $p.SharedSecret = $in.sharedSecret }
$step = 'Set-DhcpServerv4Failover'
Set-DhcpServerv4Failover @p
${RAISE}
$result = $true`;

const PARTNER_DOWN = `$step = 'Set-DhcpServerv4Failover'
${call("Set-DhcpServerv4Failover -ComputerName $in.computerName -Name $in.name -PartnerDown -Force -Confirm:$false")}
$result = $true`;

const REMOVE_FAILOVER = `$step = 'Remove-DhcpServerv4Failover'
${call("Remove-DhcpServerv4Failover -ComputerName $in.computerName -Name $in.name -Force -Confirm:$false")}
$result = $true`;

/** Micetro's "disable": the copies stay on the server that does not keep the scopes, deactivated. */
const DISABLE_SCOPES = `$step = 'Set-DhcpServerv4Scope'
$result = @(foreach ($s in $in.scopeIds) {
${call("Set-DhcpServerv4Scope -ComputerName $in.computerName -ScopeId $s -State 'InActive' -Confirm:$false")}
[string]$s
})`;

const REPLICATE = `$p = @{ ComputerName = $in.computerName; Force = $true; Confirm = $false; ${STOP_SPLAT} }
if ($in.level -eq 'scope') { $p.ScopeId = $in.scopeIds } elseif ($in.level -eq 'relationship') { $p.Name = $in.name }
$step = 'Invoke-DhcpServerv4FailoverReplication'
$replicated = Invoke-DhcpServerv4FailoverReplication @p
${RAISE}
$result = @(foreach ($s in $replicated) { [string]$s })`;

/** What replication copies, per scope, in one comparable shape (IPAM's config sync status compares these). */
const READ_SCOPE_CONFIG = `$step = 'Get-DhcpServerv4Scope'
${call("$found = Get-DhcpServerv4Scope -ComputerName $in.computerName")}
$present = @(foreach ($s in $found) { [string]$s.ScopeId })
$result = @(foreach ($id in $in.scopeIds) {
if ($present -contains $id) {
$step = 'Get-DhcpServerv4Scope'
${call("$scope = Get-DhcpServerv4Scope -ComputerName $in.computerName -ScopeId $id")}
$step = 'Get-DhcpServerv4OptionValue'
${call("$found = Get-DhcpServerv4OptionValue -ComputerName $in.computerName -ScopeId $id")}
$options = @(foreach ($o in $found) {
[pscustomobject]@{ optionId = [int]$o.OptionId; vendorClass = [string]$o.VendorClass; userClass = [string]$o.UserClass; value = @(foreach ($v in $o.Value) { [string]$v }) }
})
$step = 'Get-DhcpServerv4Reservation'
${call("$found = Get-DhcpServerv4Reservation -ComputerName $in.computerName -ScopeId $id")}
$reservations = @(foreach ($r in $found) {
[pscustomobject]@{ ipAddress = [string]$r.IPAddress; clientId = [string]$r.ClientId; name = [string]$r.Name; type = [string]$r.Type; description = [string]$r.Description }
})
$step = 'Get-DhcpServerv4ExclusionRange'
${call("$found = Get-DhcpServerv4ExclusionRange -ComputerName $in.computerName -ScopeId $id")}
$exclusions = @(foreach ($x in $found) {
[pscustomobject]@{ startRange = [string]$x.StartRange; endRange = [string]$x.EndRange }
})
$step = 'Get-DhcpServerv4Policy'
${call("$found = Get-DhcpServerv4Policy -ComputerName $in.computerName -ScopeId $id")}
$policies = @(foreach ($y in $found) {
[pscustomobject]@{ name = [string]$y.Name; enabled = [bool]$y.Enabled; processingOrder = [int]$y.ProcessingOrder; condition = [string]$y.Condition; description = [string]$y.Description }
})
[pscustomobject]@{
scopeId = [string]$id
present = $true
name = [string]$scope.Name
subnetMask = [string]$scope.SubnetMask
startRange = [string]$scope.StartRange
endRange = [string]$scope.EndRange
leaseDurationSeconds = [int]$scope.LeaseDuration.TotalSeconds
description = [string]$scope.Description
options = $options
reservations = $reservations
exclusions = $exclusions
policies = $policies
}
} else {
[pscustomobject]@{ scopeId = [string]$id; present = $false }
}
})`;

/**
 * A read-only call to the server itself, then to the partner from this server's session: the hop Add-/Set-/Remove-DhcpServerv4Failover and
 * replication make with the session's credentials, which a Windows OpenSSH key logon does not have.
 */
const REACH_PARTNER = `$step = 'Get-DhcpServerVersion'
${call("$version = Get-DhcpServerVersion -ComputerName $in.computerName")}
${call("$version = Get-DhcpServerVersion -ComputerName $in.partner")}
$result = $true`;

/**
 * Whether the account running the scripts is in a group (DHCP Administrators) on the server, nested groups
 * included: the group's members, resolved recursively, against the account's SID. Read-only.
 */
const CHECK_GROUP = `$step = 'Add-Type'
Add-Type -AssemblyName 'System.DirectoryServices.AccountManagement' -ErrorAction Stop
$step = 'WindowsIdentity.GetCurrent'
$identity = [Security.Principal.WindowsIdentity]::GetCurrent()
$step = 'PrincipalContext'
$machine = [System.DirectoryServices.AccountManagement.PrincipalContext]::new('Machine', $in.computerName)
$step = 'GroupPrincipal.FindByIdentity'
$group = [System.DirectoryServices.AccountManagement.GroupPrincipal]::FindByIdentity($machine, $in.group)
$exists = $false
$member = $false
if ($null -ne $group) {
$exists = $true
$step = 'GroupPrincipal.GetMembers'
foreach ($m in @($group.GetMembers($true))) {
if ([string]$m.Sid -eq [string]$identity.User) { $member = $true }
}
}
$result = [pscustomobject]@{ account = [string]$identity.Name; groupExists = $exists; member = $member }`;

const BODIES = {
  readServer: { cmdlet: "Get-DhcpServerv4Failover", body: READ_SERVER },
  addFailover: { cmdlet: "Add-DhcpServerv4Failover", body: ADD_FAILOVER },
  addFailoverScope: { cmdlet: "Add-DhcpServerv4FailoverScope", body: ADD_FAILOVER_SCOPE },
  removeFailoverScope: { cmdlet: "Remove-DhcpServerv4FailoverScope", body: REMOVE_FAILOVER_SCOPE },
  setFailover: { cmdlet: "Set-DhcpServerv4Failover", body: SET_FAILOVER },
  partnerDown: { cmdlet: "Set-DhcpServerv4Failover", body: PARTNER_DOWN },
  removeFailover: { cmdlet: "Remove-DhcpServerv4Failover", body: REMOVE_FAILOVER },
  disableScopes: { cmdlet: "Set-DhcpServerv4Scope", body: DISABLE_SCOPES },
  replicate: { cmdlet: "Invoke-DhcpServerv4FailoverReplication", body: REPLICATE },
  readScopeConfig: { cmdlet: "Get-DhcpServerv4Scope", body: READ_SCOPE_CONFIG },
  checkGroup: { cmdlet: "GroupPrincipal.GetMembers", body: CHECK_GROUP },
  reachPartner: { cmdlet: "Get-DhcpServerVersion", body: REACH_PARTNER },
} as const;

export const SCRIPT_KINDS = Object.keys(BODIES) as ScriptKind[];

/** The input travels as UTF-8 JSON in base64: its alphabet cannot end the single-quoted literal it sits in. */
export function encodeInput(input: unknown): string {
  return Buffer.from(JSON.stringify(input), "utf8").toString("base64");
}

export function script(kind: ScriptKind, input: Record<string, unknown>): Script {
  const { cmdlet, body } = BODIES[kind];
  const text = `${PROLOGUE.replace("__INPUT__", encodeInput(input))}${body}${EPILOGUE}`;
  return { kind, cmdlet, text };
}
