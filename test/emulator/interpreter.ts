// A PowerShell interpreter for the statements the Windows backend's scripts use, walking the syntax tree of
// the real grammar. Anything outside that subset is refused with its location, never guessed at.
import type { Node } from "web-tree-sitter";
import { powerShellParser, syntaxError } from "./parser.ts";
import { DotNet, PSError, PSObject, Refusal, ScriptBlock, TimeSpan, toNumber, toText, truthy, typeName, type Value } from "./values.ts";

/** A command the emulator implements: bound named parameters (lower-case keys) and pipeline input in, output out. */
export interface Command {
  name: string;
  /** Parameter names (as documented); switches are listed separately. */
  parameters: readonly string[];
  switches: readonly string[];
  /**
   * A function of a CDXML module (DhcpServer is one): it sees $ErrorActionPreference only when it is set in
   * the global scope, never a script block's own (PowerShell/PowerShell#4568, #24389), so only -ErrorAction
   * or the global preference make its errors terminating.
   */
  cdxml?: boolean;
  /**
   * Writes its errors as non-terminating even with -ErrorAction Stop, as reported for Get-DhcpServerv4Failover
   * (MicrosoftDocs/windows-powershell-docs#1657). An assumption held on purpose: the stricter reading.
   */
  ignoresErrorActionStop?: boolean;
  run(parameters: Map<string, Value>, pipelineInput: Value[]): Value[];
}

export interface Host {
  stdout(text: string): void;
  stderr(text: string): void;
  stdin(): string;
  command(name: string): Command | undefined;
  /** .NET static methods the host models besides the built-in ones ("security.principal.windowsidentity::getcurrent"); undefined when it does not. */
  staticMethod?(key: string, args: Value[]): Value | undefined;
  /** Methods of objects the host returned (kind.method, lower case); undefined when it does not model them. */
  method?(target: PSObject, method: string, args: Value[]): Value | undefined;
}

const COMMON_PARAMETERS = ["ErrorAction", "WarningAction", "InformationAction", "ErrorVariable", "WarningVariable", "OutVariable", "OutBuffer", "PipelineVariable"];
const COMMON_SWITCHES = ["Confirm", "WhatIf", "Verbose", "Debug"];

/** Expression nodes that only wrap one child in this grammar. */
const WRAPPERS = new Set([
  "pipeline_chain",
  "logical_expression",
  "bitwise_expression",
  "comparison_expression",
  "additive_expression",
  "multiplicative_expression",
  "format_expression",
  "range_expression",
  "array_literal_expression",
  "unary_expression",
  "argument_expression",
  "logical_argument_expression",
  "bitwise_argument_expression",
  "comparison_argument_expression",
  "additive_argument_expression",
  "multiplicative_argument_expression",
  "format_argument_expression",
  "range_argument_expression",
  "left_assignment_expression",
]);

class Scope {
  readonly variables = new Map<string, Value>();
  readonly parent: Scope | undefined;
  constructor(parent?: Scope) {
    this.parent = parent;
  }

  lookup(name: string): Value | undefined {
    const key = name.toLowerCase();
    if (this.variables.has(key)) return this.variables.get(key)!;
    return this.parent?.lookup(name);
  }

  assign(name: string, value: Value): void {
    this.variables.set(name.toLowerCase(), value);
  }
}

function where(node: Node): string {
  return `line ${node.startPosition.row + 1}, column ${node.startPosition.column + 1}`;
}

function refuse(node: Node, what: string): never {
  throw new Refusal(`${what} at ${where(node)} (${JSON.stringify(node.text.slice(0, 80))}) is not something this emulator understands`);
}

function named(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null && child.type !== "comment");
}

function tokens(node: Node): string[] {
  return node.children.filter((child): child is Node => child !== null && !child.isNamed).map((child) => child.type);
}

/** The statement's output as one value: nothing is $null, one item is itself, more are an array. */
function collapse(items: Value[]): Value {
  if (items.length === 0) return null;
  return items.length === 1 ? items[0]! : items;
}

/** What a value contributes to a pipeline: arrays are enumerated, everything else is one item. */
function enumerate(value: Value): Value[] {
  return Array.isArray(value) ? value : [value];
}

function errorRecord(error: PSError): PSObject {
  return new PSObject("ErrorRecord", {
    Exception: new PSObject("Exception", { Message: error.message }),
    FullyQualifiedErrorId: error.errorId,
  });
}

function cloneForCast(value: Value): PSObject {
  if (!(value instanceof PSObject) || value.kind !== "hashtable") throw new PSError(`Cannot convert ${typeName(value)} to PSCustomObject.`, "InvalidCastPSCustomObject");
  const object = new PSObject("pscustomobject");
  for (const { name, value: inner } of value.entries.values()) object.set(name, inner);
  return object;
}

function cast(type: string, value: Value, node: Node): Value {
  switch (type.toLowerCase()) {
    case "int":
    case "int32":
    case "uint32":
    case "long": {
      if (Array.isArray(value)) throw new PSError(`Cannot convert the "System.Object[]" value to type "System.${type}".`, "ConvertToFinalInvalidCastException");
      const number = Math.round(toNumber(value, type));
      if (type.toLowerCase() === "uint32" && number < 0) throw new PSError(`Cannot convert value "${number}" to type "System.UInt32".`, "InvalidCastIConvertible");
      return number;
    }
    case "string":
      return toText(value);
    case "bool":
      return truthy(value);
    case "pscustomobject":
      return cloneForCast(value);
    default:
      return refuse(node, `a cast to [${type}]`);
  }
}

function compare(operator: string, left: Value, right: Value, node: Node): boolean {
  const equal = (a: Value, b: Value): boolean => {
    if (a === null || b === null) return a === b;
    if (typeof a === "string" || typeof b === "string") return toText(a).toLowerCase() === toText(b).toLowerCase();
    if (typeof a === "number" || typeof b === "number") return toNumber(a, "number") === toNumber(b, "number");
    if (typeof a === "boolean" && typeof b === "boolean") return a === b;
    return a === b;
  };
  switch (operator.toLowerCase()) {
    case "-eq":
      if (Array.isArray(left)) return refuse(node, "-eq with an array on the left");
      return equal(left, right);
    case "-ne":
      if (Array.isArray(left)) return refuse(node, "-ne with an array on the left");
      return !equal(left, right);
    case "-contains":
      return enumerate(left).some((item) => equal(item, right));
    case "-notcontains":
      return !enumerate(left).some((item) => equal(item, right));
    default:
      return refuse(node, `the operator ${operator}`);
  }
}

function member(target: Value, name: string, node: Node): Value {
  if (target instanceof PSObject) return target.get(name);
  if (target instanceof TimeSpan) {
    if (name.toLowerCase() === "totalseconds") return target.totalSeconds;
    return refuse(node, `TimeSpan.${name}`);
  }
  if (target === null) return null;
  if (Array.isArray(target)) {
    if (name.toLowerCase() === "count" || name.toLowerCase() === "length") return target.length;
    return target.map((item) => member(item, name, node)).filter((item) => item !== null);
  }
  if (typeof target === "string" && name.toLowerCase() === "length") return target.length;
  return refuse(node, `the member ${name} of ${typeName(target)}`);
}

function staticMember(type: string, name: string, node: Node): Value {
  const key = `${type}::${name}`.toLowerCase();
  switch (key) {
    case "text.encoding::utf8":
    case "system.text.encoding::utf8":
      return new DotNet("utf8");
    case "text.encoding::unicode":
    case "system.text.encoding::unicode":
      return new DotNet("unicode");
    case "console::out":
    case "system.console::out":
      return new DotNet("stdout");
    case "console::error":
    case "system.console::error":
      return new DotNet("stderr");
    case "console::in":
    case "system.console::in":
      return new DotNet("stdin");
    default:
      return refuse(node, `the static member [${type}]::${name}`);
  }
}

export class Interpreter {
  private readonly host: Host;
  private readonly global = new Scope();

  constructor(host: Host) {
    this.host = host;
  }

  /** Parses and runs one program (a script, or one line a session reads); returns what reached the output. */
  async run(text: string): Promise<Value[]> {
    const parser = await powerShellParser();
    const tree = parser.parse(text);
    if (!tree) throw new Refusal("the parser returned no tree");
    try {
      const error = syntaxError(tree.rootNode);
      if (error !== undefined) throw new Refusal(`PowerShell would not parse this script: syntax error at ${error}`);
      return await this.program(tree.rootNode, this.global);
    } finally {
      tree.delete();
    }
  }

  private async program(root: Node, scope: Scope): Promise<Value[]> {
    const out: Value[] = [];
    for (const child of named(root)) {
      if (child.type !== "statement_list") refuse(child, `a top-level ${child.type}`);
      out.push(...(await this.statements(child, scope)));
    }
    return out;
  }

  private async statements(list: Node, scope: Scope): Promise<Value[]> {
    const out: Value[] = [];
    for (const statement of named(list)) out.push(...(await this.statement(statement, scope)));
    return out;
  }

  private async statement(node: Node, scope: Scope): Promise<Value[]> {
    switch (node.type) {
      case "pipeline":
        return this.pipeline(node, scope);
      case "empty_statement":
        return [];
      case "if_statement":
        return this.ifStatement(node, scope);
      case "foreach_statement":
        return this.foreachStatement(node, scope);
      case "try_statement":
        return this.tryStatement(node, scope);
      case "flow_control_statement":
        return this.throwStatement(node, scope);
      default:
        return refuse(node, `a ${node.type}`);
    }
  }

  private async block(node: Node, scope: Scope): Promise<Value[]> {
    if (node.type !== "statement_block") refuse(node, `a ${node.type} where a block was expected`);
    const list = named(node)[0];
    return list ? this.statements(list, scope) : [];
  }

  private async ifStatement(node: Node, scope: Scope): Promise<Value[]> {
    const parts = named(node);
    const condition = parts[0]!;
    const body = parts[1]!;
    if (truthy(await this.pipelineValue(condition, scope))) return this.block(body, scope);
    for (const part of parts.slice(2)) {
      if (part.type === "elseif_clauses") {
        for (const clause of named(part)) {
          const [test, then] = named(clause);
          if (truthy(await this.pipelineValue(test!, scope))) return this.block(then!, scope);
        }
      } else if (part.type === "else_clause") {
        return this.block(named(part)[0]!, scope);
      } else {
        refuse(part, `a ${part.type} in an if statement`);
      }
    }
    return [];
  }

  private async foreachStatement(node: Node, scope: Scope): Promise<Value[]> {
    const parts = named(node);
    const variable = parts.find((p) => p.type === "variable");
    const collection = parts.find((p) => p.type === "pipeline");
    const body = parts.find((p) => p.type === "statement_block");
    if (!variable || !collection || !body || parts.length !== 3) return refuse(node, "this form of foreach");
    const items = await this.pipelineValue(collection, scope);
    const out: Value[] = [];
    // PowerShell 3+: foreach over $null runs zero times, over a scalar once.
    for (const item of items === null ? [] : enumerate(items)) {
      scope.assign(variable.text.slice(1), item);
      out.push(...(await this.block(body, scope)));
    }
    return out;
  }

  private async tryStatement(node: Node, scope: Scope): Promise<Value[]> {
    const parts = named(node);
    const body = parts[0]!;
    const catches = parts.find((p) => p.type === "catch_clauses");
    if (parts.some((p) => p.type === "finally_clause")) refuse(node, "a finally clause");
    const clauses = catches ? named(catches) : [];
    if (clauses.length !== 1 || named(clauses[0]!).length !== 1) return refuse(node, "a try statement without exactly one untyped catch");
    const out: Value[] = [];
    try {
      out.push(...(await this.block(body, scope)));
    } catch (error) {
      if (!(error instanceof PSError)) throw error;
      scope.assign("_", errorRecord(error));
      out.push(...(await this.block(named(clauses[0]!)[0]!, scope)));
    }
    return out;
  }

  /** `throw $record` rethrows an ErrorRecord as it is (its message and FullyQualifiedErrorId); `throw 'text'` throws a RuntimeException. */
  private async throwStatement(node: Node, scope: Scope): Promise<never> {
    const [keyword] = tokens(node);
    const parts = named(node);
    if (keyword?.toLowerCase() !== "throw" || parts.length !== 1) return refuse(node, "this flow control statement (only throw with a value is modelled)");
    const value = await this.pipelineValue(parts[0]!, scope);
    if (value instanceof PSObject && value.kind === "ErrorRecord") {
      throw new PSError(toText(member(value.get("Exception"), "Message", node)), toText(value.get("FullyQualifiedErrorId")));
    }
    if (typeof value === "string") throw new PSError(value, value);
    return refuse(node, `throwing a ${typeName(value)}`);
  }

  /** A pipeline as a statement: assignments write, everything else writes to the output. */
  private async pipeline(node: Node, scope: Scope): Promise<Value[]> {
    const parts = named(node);
    if (parts.length === 1 && parts[0]!.type === "assignment_expression") {
      await this.assignment(parts[0]!, scope);
      return [];
    }
    return this.elements(node, scope);
  }

  /** A pipeline's value where an expression is expected: a lone expression keeps its shape, commands collapse. */
  private async pipelineValue(node: Node, scope: Scope): Promise<Value> {
    const elements = this.pipelineParts(node);
    if (elements.length === 1 && elements[0]!.type !== "command") return this.expression(elements[0]!, scope);
    return collapse(await this.elements(node, scope));
  }

  private pipelineParts(node: Node): Node[] {
    if (node.type !== "pipeline") return refuse(node, `a ${node.type} where a pipeline was expected`);
    const parts = named(node);
    if (parts.length === 1 && parts[0]!.type === "pipeline_chain") return named(parts[0]!);
    if (parts.some((p) => p.type === "assignment_expression")) return refuse(node, "an assignment inside an expression");
    return parts;
  }

  private async elements(node: Node, scope: Scope): Promise<Value[]> {
    const elements = this.pipelineParts(node);
    let items: Value[] = [];
    elements.forEach((element, index) => {
      if (index > 0 && element.type !== "command") refuse(element, "an expression after a pipe");
    });
    for (const [index, element] of elements.entries()) {
      if (element.type === "command") items = await this.command(element, scope, index === 0 ? [] : items, index > 0);
      else items = enumerate(await this.expression(element, scope));
    }
    return items;
  }

  private async assignment(node: Node, scope: Scope): Promise<void> {
    const [left, operator, right] = named(node);
    if (!left || !operator || !right || operator.text !== "=") return refuse(node, "this assignment (only = is modelled)");
    const value = await this.pipelineValue(right, scope);
    const target = this.unwrap(left);
    if (target.type === "variable") {
      if (!target.text.startsWith("$")) refuse(target, "this variable");
      scope.assign(target.text.slice(1), value);
      return;
    }
    if (target.type === "member_access" && tokens(target)[0] === "::") {
      // The emulator always writes UTF-8; asking for it is understood, asking for anything else is not.
      const isConsoleEncoding = /^\[(System\.)?Console\]::OutputEncoding$/i.test(target.text.replace(/\s+/g, ""));
      if (!isConsoleEncoding || !(value instanceof DotNet) || value.name !== "utf8") return refuse(target, "assigning to this static member");
      return;
    }
    if (target.type === "member_access") {
      const [objectNode, memberNode] = named(target);
      const object = await this.expression(objectNode!, scope);
      if (!(object instanceof PSObject) || memberNode?.type !== "member_name") return refuse(target, "assigning to this member");
      object.set(memberNode.text, value);
      return;
    }
    refuse(target, "assigning to this");
  }

  private unwrap(node: Node): Node {
    let current = node;
    while (WRAPPERS.has(current.type)) {
      const children = current.children.filter((c): c is Node => c !== null);
      if (children.length !== 1) break;
      current = children[0]!;
    }
    return current;
  }

  private async expression(raw: Node, scope: Scope): Promise<Value> {
    const node = this.unwrap(raw);
    const parts = named(node);
    switch (node.type) {
      case "pipeline":
        return this.pipelineValue(node, scope);
      case "comparison_expression":
      case "comparison_argument_expression": {
        const [left, operator, right] = parts;
        if (!left || operator?.type !== "comparison_operator" || !right) return refuse(node, "this comparison");
        return compare(operator.text, await this.expression(left, scope), await this.expression(right, scope), node);
      }
      case "logical_expression":
      case "logical_argument_expression": {
        const operator = tokens(node)[0]?.toLowerCase();
        const [left, right] = parts;
        if (!left || !right || (operator !== "-and" && operator !== "-or")) return refuse(node, "this logical expression");
        const first = truthy(await this.expression(left, scope));
        if (operator === "-and") return first && truthy(await this.expression(right, scope));
        return first || truthy(await this.expression(right, scope));
      }
      case "expression_with_unary_operator": {
        const operator = tokens(node)[0]?.toLowerCase();
        if (parts.length === 1 && parts[0]!.type === "cast_expression") return this.expression(parts[0]!, scope);
        if ((operator === "-not" || operator === "!") && parts.length === 1) return !truthy(await this.expression(parts[0]!, scope));
        return refuse(node, "this unary operator");
      }
      case "cast_expression": {
        const [type, operand] = parts;
        if (type?.type !== "type_literal" || !operand) return refuse(node, "this cast");
        return cast(this.typeName(type), await this.expression(operand, scope), node);
      }
      case "variable":
        return this.variable(node, scope);
      case "string_literal":
        return this.string(node);
      case "integer_literal":
        return Number(node.text);
      case "parenthesized_expression":
        return this.pipelineValue(parts[0]!, scope);
      case "array_expression": {
        const list = parts[0];
        return list ? await this.statements(list, scope) : [];
      }
      case "hash_literal_expression":
        return this.hashtable(node, scope);
      case "member_access":
        return this.memberAccess(node, scope);
      case "invokation_expression":
        return this.invocation(node, scope);
      default:
        return refuse(node, `a ${node.type}`);
    }
  }

  private typeName(typeLiteral: Node): string {
    const spec = named(typeLiteral).find((n) => n.type === "type_spec");
    if (!spec) return refuse(typeLiteral, "this type literal");
    return spec.text;
  }

  private variable(node: Node, scope: Scope): Value {
    const text = node.text;
    if (!text.startsWith("$")) return refuse(node, "splatting outside a command");
    const name = text.slice(1).toLowerCase();
    if (name === "true") return true;
    if (name === "false") return false;
    if (name === "null") return null;
    const value = scope.lookup(name);
    if (value === undefined) return refuse(node, `the variable $${name}, which was never assigned`);
    return value;
  }

  private string(node: Node): string {
    const literal = named(node)[0] ?? node;
    const text = literal.text;
    if (literal.type === "verbatim_string_characters" && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
    if (literal.type === "expandable_string_literal" && /^"[^"$`]*"$/.test(text)) return text.slice(1, -1);
    return refuse(node, "this string (only verbatim strings and expandable strings without $ or ` are modelled)");
  }

  private async hashtable(node: Node, scope: Scope): Promise<PSObject> {
    const table = new PSObject("hashtable");
    const body = named(node).find((n) => n.type === "hash_literal_body");
    for (const entry of body ? named(body) : []) {
      const [key, value] = named(entry);
      if (entry.type !== "hash_entry" || key?.type !== "key_expression" || !value) refuse(entry, "this hashtable entry");
      const keyNode = named(key!)[0];
      if (keyNode?.type !== "simple_name") refuse(key!, "a hashtable key that is not a plain name");
      table.set(keyNode!.text, await this.pipelineValue(value!, scope));
    }
    return table;
  }

  private async memberAccess(node: Node, scope: Scope): Promise<Value> {
    const parts = named(node);
    const separator = tokens(node)[0];
    const memberNode = parts[parts.length - 1];
    if (memberNode?.type !== "member_name" || parts.length !== 2) return refuse(node, "this member access");
    const name = memberNode.text;
    if (separator === "::") {
      if (parts[0]!.type !== "type_literal") return refuse(node, "a static member of something that is not a type");
      return staticMember(this.typeName(parts[0]!), name, node);
    }
    if (separator !== ".") return refuse(node, `the member operator ${String(separator)}`);
    return member(await this.expression(parts[0]!, scope), name, node);
  }

  private async invocation(node: Node, scope: Scope): Promise<Value> {
    const parts = named(node);
    const argumentList = parts[parts.length - 1];
    const methodNode = parts[parts.length - 2];
    if (argumentList?.type !== "argument_list" || methodNode?.type !== "member_name" || parts.length !== 3) return refuse(node, "this method call");
    const expressionList = named(argumentList)[0];
    const args: Value[] = [];
    for (const argument of expressionList ? named(expressionList) : []) args.push(await this.expression(argument, scope));
    const method = methodNode.text.toLowerCase();
    const separator = tokens(node)[0];
    if (separator === "::") {
      if (parts[0]!.type !== "type_literal") return refuse(node, "a static method of something that is not a type");
      return this.staticMethod(this.typeName(parts[0]!), method, args, node);
    }
    const target = await this.expression(parts[0]!, scope);
    if (target instanceof DotNet) return this.dotNetMethod(target, method, args, node);
    const hosted = target instanceof PSObject ? this.host.method?.(target, method, args) : undefined;
    if (hosted !== undefined) return hosted;
    return refuse(node, `the method ${method} of ${typeName(target)}`);
  }

  private staticMethod(type: string, method: string, args: Value[], node: Node): Value {
    const key = `${type.toLowerCase().replace(/^system\./, "")}::${method}`;
    const [first] = args;
    switch (key) {
      case "convert::frombase64string": {
        const text = toText(first ?? null);
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
          throw new PSError("Exception calling \"FromBase64String\" with \"1\" argument(s): \"The input is not a valid Base-64 string.\"", "FormatException");
        }
        return new Uint8Array(Buffer.from(text, "base64"));
      }
      case "timespan::fromseconds":
        return new TimeSpan(toNumber(first ?? null, "double"));
      case "scriptblock::create":
        return new ScriptBlock(toText(first ?? null));
      default: {
        const hosted = this.host.staticMethod?.(key, args);
        return hosted === undefined ? refuse(node, `the static method [${type}]::${method}`) : hosted;
      }
    }
  }

  private dotNetMethod(target: DotNet, method: string, args: Value[], node: Node): Value {
    const [first] = args;
    switch (`${target.name}.${method}`) {
      case "utf8.getstring":
      case "unicode.getstring": {
        if (!(first instanceof Uint8Array)) return refuse(node, "GetString of something that is not bytes");
        return Buffer.from(first).toString(target.name === "utf8" ? "utf8" : "utf16le");
      }
      case "stdout.writeline":
        this.host.stdout(`${toText(first ?? null)}\n`);
        return null;
      case "stderr.writeline":
        this.host.stderr(`${toText(first ?? null)}\n`);
        return null;
      case "stdin.readtoend":
        return this.host.stdin();
      default:
        return refuse(node, `the method ${method} of ${target.name}`);
    }
  }

  private async command(node: Node, scope: Scope, input: Value[], piped: boolean): Promise<Value[]> {
    const parts = named(node);
    if (parts[0]?.type === "command_invokation_operator") {
      if (parts[0].text !== "&" || parts[1]?.type !== "command_name_expr" || parts.length !== 2) return refuse(node, "this invocation");
      const block = await this.expression(named(parts[1])[0]!, scope);
      if (!(block instanceof ScriptBlock)) return refuse(node, `invoking a ${typeName(block)}`);
      return this.runScriptBlock(block, scope);
    }
    const nameNode = parts[0];
    if (nameNode?.type !== "command_name") return refuse(node, "a command without a plain name");
    const command = this.host.command(nameNode.text);
    if (!command) return refuse(nameNode, `the command ${nameNode.text}`);
    const bound = await this.bind(command, parts[1], scope);
    const stop = this.errorActionIsStop(command, bound, scope);
    const errorVariable = this.errorVariable(bound, nameNode);
    // PowerShell empties the -ErrorVariable at each call and fills it with the call's errors.
    if (errorVariable !== undefined) scope.assign(errorVariable, []);
    try {
      return command.run(bound, piped ? input : []);
    } catch (error) {
      if (!(error instanceof PSError)) throw error;
      if (errorVariable !== undefined) scope.assign(errorVariable, [errorRecord(error)]);
      if (!stop) {
        this.host.stderr(`${command.name} : ${error.message}\n    + FullyQualifiedErrorId : ${error.errorId}\n`);
        return [];
      }
      throw error;
    }
  }

  /** The name -ErrorVariable gives (a plain name: appending with "+" is not modelled). */
  private errorVariable(bound: Map<string, Value>, node: Node): string | undefined {
    const given = bound.get("errorvariable");
    if (given === undefined) return undefined;
    const name = toText(given);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return refuse(node, `-ErrorVariable ${JSON.stringify(name)} (only a plain variable name is modelled)`);
    return name;
  }

  private async runScriptBlock(block: ScriptBlock, scope: Scope): Promise<Value[]> {
    const parser = await powerShellParser();
    const tree = parser.parse(block.text);
    if (!tree) throw new Refusal("the parser returned no tree for a script block");
    try {
      const error = syntaxError(tree.rootNode);
      // [scriptblock]::Create throws a ParseException for text that does not parse.
      if (error !== undefined) throw new PSError(`Exception calling "Create" with "1" argument(s): "At ${error}"`, "ParseException");
      return await this.program(tree.rootNode, new Scope(scope));
    } finally {
      tree.delete();
    }
  }

  private errorActionIsStop(command: Command, bound: Map<string, Value>, scope: Scope): boolean {
    if (command.ignoresErrorActionStop) return false;
    const explicit = bound.get("erroraction");
    const inherited = command.cdxml ? this.global.lookup("ErrorActionPreference") : scope.lookup("ErrorActionPreference");
    return toText(explicit ?? inherited ?? "Continue").toLowerCase() === "stop";
  }

  /** Binds named parameters and splatted hashtables the way PowerShell does for these cmdlets' signatures. */
  private async bind(command: Command, elementsNode: Node | undefined, scope: Scope): Promise<Map<string, Value>> {
    const parameters = [...command.parameters, ...COMMON_PARAMETERS];
    const switches = [...command.switches, ...COMMON_SWITCHES];
    const resolve = (given: string): { name: string; isSwitch: boolean } => {
      const lower = given.toLowerCase();
      const exact = [...parameters, ...switches].find((p) => p.toLowerCase() === lower);
      if (!exact) throw new PSError(`A parameter cannot be found that matches parameter name '${given}'.`, `NamedParameterNotFound,${command.name}`);
      return { name: exact.toLowerCase(), isSwitch: switches.includes(exact) };
    };
    const bound = new Map<string, Value>();
    const put = (name: string, value: Value) => {
      if (bound.has(name)) throw new PSError(`Cannot bind parameter because parameter '${name}' is specified more than once.`, `ParameterAlreadyBound,${command.name}`);
      bound.set(name, value);
    };
    const elements = elementsNode ? elementsNode.children.filter((c): c is Node => c !== null) : [];
    for (let i = 0; i < elements.length; i++) {
      const element = elements[i]!;
      if (element.type === "command_argument_sep") continue;
      if (element.type === "command_parameter") {
        const parameter = resolve(element.text.replace(/^-/, "").replace(/:$/, ""));
        const next = elements[i + 1];
        if (next?.type === "command_argument_sep" && next.text === ":") {
          put(parameter.name, await this.expression(elements[i + 2]!, scope));
          i += 2;
        } else if (parameter.isSwitch) {
          put(parameter.name, true);
        } else {
          const valueIndex = elements.findIndex((e, j) => j > i && e.type !== "command_argument_sep");
          const valueNode = elements[valueIndex];
          if (!valueNode || valueNode.type === "command_parameter") throw new PSError(`Missing an argument for parameter '${parameter.name}'.`, `MissingArgument,${command.name}`);
          put(parameter.name, await this.argument(valueNode, scope));
          i = valueIndex;
        }
        continue;
      }
      const splat = this.unwrap(element);
      if (splat.type === "variable" && splat.text.startsWith("@")) {
        const table = scope.lookup(splat.text.slice(1));
        if (!(table instanceof PSObject) || table.kind !== "hashtable") return refuse(splat, "splatting something that is not a hashtable");
        for (const { name, value } of table.entries.values()) {
          const parameter = resolve(name);
          put(parameter.name, parameter.isSwitch ? truthy(value) : value);
        }
        continue;
      }
      return refuse(element, `a positional argument to ${command.name} (the scripts name every parameter)`);
    }
    return bound;
  }

  private async argument(node: Node, scope: Scope): Promise<Value> {
    const inner = this.unwrap(node);
    if (inner.type === "generic_token") return inner.text;
    return this.expression(inner, scope);
  }
}

