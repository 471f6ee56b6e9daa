import { describe, expect, it } from "vitest";
import { parseCommand, UsageError } from "../../../src/cli/args.ts";

describe("the CLI's command line", () => {
  it("reads status from the selected stack by default, or from a named stack, an export or a file", () => {
    expect(parseCommand(["status"])).toEqual({ command: "status", source: { kind: "stack" }, json: false });
    expect(parseCommand(["status", "--stack", "prod", "--cwd", "/srv/net", "--json"])).toEqual({
      command: "status",
      source: { kind: "stack", stack: "prod", cwd: "/srv/net" },
      json: true,
    });
    expect(parseCommand(["status", "--export", "-"])).toMatchObject({ source: { kind: "stack", exportFile: "-" } });
    expect(parseCommand(["status", "--file", "rels.json"])).toMatchObject({ source: { kind: "file", file: "rels.json" } });
  });

  it("takes the relationship and server of partner-down, and start or cancel for maintenance", () => {
    expect(parseCommand(["partner-down", "campus", "dhcp1", "--stack", "prod"])).toEqual({
      command: "partner-down",
      source: { kind: "stack", stack: "prod" },
      relationship: "campus",
      server: "dhcp1",
    });
    expect(parseCommand(["maintenance", "cancel", "branch"])).toMatchObject({ command: "maintenance", action: "cancel", relationship: "branch" });
  });

  it("shows help for no command, help or -h", () => {
    for (const argv of [[], ["help"], ["status", "-h"]]) expect(parseCommand(argv)).toEqual({ command: "help" });
  });

  it("says what is wrong with a command line", () => {
    const cases: Array<[string[], RegExp]> = [
      [["stauts"], /unknown command "stauts"/],
      [["status", "extra"], /status takes no arguments/],
      [["partner-down", "campus"], /partner-down takes RELATIONSHIP SERVER/],
      [["maintenance", "begin", "branch"], /maintenance takes start or cancel, not "begin"/],
      [["status", "--file", "a.json", "--stack", "prod"], /--file replaces the stack/],
      [["status", "--colour"], /Unknown option '--colour'/],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseCommand(argv)).toThrow(UsageError);
      expect(() => parseCommand(argv)).toThrow(message);
    }
  });
});
