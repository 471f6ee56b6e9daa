import { parseArgs } from "node:util";

export const USAGE = `usage:
  pulumi-dhcp-failover status [SOURCE] [--json]
      the Failover Relationships view: name, vendor, mode, primary, secondary and each side's live state
  pulumi-dhcp-failover partner-down RELATIONSHIP SERVER [SOURCE]
      tells SERVER that its partner is down (refused while the partner still answers)
  pulumi-dhcp-failover maintenance start|cancel RELATIONSHIP [SOURCE]
      Kea: puts the relationship into (or takes it out of) maintenance for planned work

SOURCE, where the relationships come from (default: the selected stack of the project in the current directory):
  --stack NAME        a stack of the project (read with \`pulumi stack export --show-secrets\`)
  --cwd DIR           the Pulumi project's directory
  --export FILE       a saved \`pulumi stack export --show-secrets\` document ("-" for standard input)
  --file FILE         a JSON array of relationships, each as FailoverRelationship's arguments plus vendor and name
`;

export type Source = { kind: "stack"; stack?: string; cwd?: string; exportFile?: string } | { kind: "file"; file: string };

export type Command =
  | { command: "status"; source: Source; json: boolean }
  | { command: "partner-down"; source: Source; relationship: string; server: string }
  | { command: "maintenance"; source: Source; relationship: string; action: "start" | "cancel" }
  | { command: "help" };

export class UsageError extends Error {}

function sourceOf(values: { stack?: string; cwd?: string; export?: string; file?: string }): Source {
  if (values.file !== undefined) {
    if (values.stack !== undefined || values.export !== undefined) throw new UsageError("--file replaces the stack: give --file or --stack/--export, not both");
    return { kind: "file", file: values.file };
  }
  return { kind: "stack", stack: values.stack, cwd: values.cwd, exportFile: values.export };
}

/** Parses the command line; throws UsageError with what is wrong. */
export function parseCommand(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        stack: { type: "string" },
        cwd: { type: "string" },
        export: { type: "string" },
        file: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === "help") return { command: "help" };
  const source = sourceOf(values);
  const expect = (count: number, what: string) => {
    if (rest.length !== count) throw new UsageError(`${command} takes ${what}`);
  };
  switch (command) {
    case "status":
      expect(0, "no arguments besides the options");
      return { command, source, json: values.json };
    case "partner-down":
      expect(2, "RELATIONSHIP SERVER");
      return { command, source, relationship: rest[0]!, server: rest[1]! };
    case "maintenance": {
      expect(2, "start|cancel RELATIONSHIP");
      const action = rest[0];
      if (action !== "start" && action !== "cancel") throw new UsageError(`maintenance takes start or cancel, not ${JSON.stringify(action)}`);
      return { command, source, relationship: rest[1]!, action };
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}
