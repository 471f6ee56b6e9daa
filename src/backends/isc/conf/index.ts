/**
 * Comment-preserving dhcpd.conf (ISC dhcpd 4.4) parser, printer and structural editor.
 *
 *   parse(text, file?) → ConfFile              one file; include statements recorded, not followed
 *   parseWithIncludes(path, readFile) → ConfTree   follows includes through the caller's reader
 *   print(file) → string                       print(parse(t)) === t, byte for byte
 *   listIncludes(conf) / changedFiles(conf)    includes (followed or not) / files an edit changed
 *
 * Queries and edits take a Conf (a ConfFile or a ConfTree) and mutate the tree in place; print
 * the files changedFiles reports. Edits validate every value through ConfValue first and throw
 * ConfValueError or ConfEditError before changing anything.
 *
 *   peers    findFailoverPeers, findFailoverPeer, readFailoverPeer,
 *            createFailoverPeer, replaceFailoverPeer, removeFailoverPeer
 *   pools    listPools, poolFailoverPeer, listPoolPeers, setPoolFailoverPeer
 *   subnets  listSubnets, findSubnet, extractSubnet, putSubnet, removeSubnet, compareSubnets
 *   generic  findStatements, setStatement, removeStatements (single statements in a block), walk
 *
 * Errors: ConfParseError (file:line:column: expected …, found …), ConfIncludeError,
 * ConfValueError (a value dhcpd cannot represent, and why), ConfEditError; all extend ConfError.
 */
export type {
  Branch,
  BlockStatement,
  Conf,
  Container,
  ConfFile,
  ConfTree,
  ConditionalStatement,
  LabelStatement,
  SimpleStatement,
  Statement,
  Token,
} from "./cst";
export { ConfEditError, ConfError, ConfIncludeError, ConfParseError, ConfValueError } from "./errors";
export { parse } from "./parser";
export { print, printStatement } from "./printer";
export type { IncludeOptions, IncludeRef, ReadFile } from "./includes";
export { changedFiles, listIncludes, parseWithIncludes } from "./includes";
export { ConfValue, quoteString } from "./quoting";
export { canonicalStatement } from "./canonical";
export type { Located } from "./walk";
export { walk } from "./walk";
export type { SetStatementOptions } from "./statements";
export { findStatements, removeStatements, setStatement } from "./statements";
export type { FailoverPeerDecl, FailoverPeerSpec, PeerRef, PeerStatement, RemovePeerResult } from "./peers";
export {
  createFailoverPeer,
  findFailoverPeer,
  findFailoverPeers,
  readFailoverPeer,
  removeFailoverPeer,
  replaceFailoverPeer,
} from "./peers";
export type { PoolRef } from "./pools";
export { listPoolPeers, listPools, poolFailoverPeer, setPoolFailoverPeer } from "./pools";
export type { CopiedDeclaration, PutSubnetResult, SubnetCopy, SubnetRef } from "./subnets";
export { extractSubnet, findSubnet, listSubnets, putSubnet, removeSubnet } from "./subnets";
export type { CompareLabels } from "./compare";
export { compareSubnets } from "./compare";
