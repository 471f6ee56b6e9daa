/** The lab's API for tests: bring it up or down, reset it, read how to reach it, and drive its clients and servers. */
export { labUp } from "./up.ts";
export type { LabCommandOptions } from "./up.ts";
export { labDown } from "./down.ts";
export { labStatus, formatStatus } from "./status.ts";
export type { LabStatus } from "./status.ts";
export { resetLab } from "./reset.ts";
export { holdLabForRun } from "./lock.ts";
export { readLabInfo, iscServer, keaServer, LabInfoSchema } from "./labInfo.ts";
export type { LabInfo, IscServerInfo, KeaServerInfo } from "./labInfo.ts";
export { acquireLease, releaseLease } from "./clients.ts";
export type { AcquireOptions, ClientProgram, Lease } from "./clients.ts";
export { keaCommand } from "./keaCommand.ts";
export type { KeaAnswer, KeaCommandOptions } from "./keaCommand.ts";
export { dhcpdCtl, keaCtl, omshell } from "./channels.ts";
export type { CtlAction, CtlResult } from "./channels.ts";
export { connectSsh, sshExec, hostKeySha256 } from "./ssh.ts";
export type { SshExecResult, SshOptions } from "./ssh.ts";
export type { PairName } from "./topology.ts";
