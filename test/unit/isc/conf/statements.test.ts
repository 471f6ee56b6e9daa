import { describe, expect, it } from "vitest";
import type { BlockStatement, Container, Statement } from "../../../../src/backends/isc/conf";
import { ConfValue, findStatements, parse, print, removeStatements, setStatement, walk } from "../../../../src/backends/isc/conf";
import { bodiesOf } from "../../../../src/backends/isc/conf/cst";
import { insertAt, materialize, removeAt, styleOf } from "../../../../src/backends/isc/conf/layout";
import { statementTokens } from "../../../../src/backends/isc/conf/quoting";
import { fixtureNames, readFixture } from "./helpers";

const block = (text: string) => {
  const file = parse(text);
  return { file, block: file.body[0] as BlockStatement };
};

describe("setStatement / removeStatements", () => {
  it("rewrites only the value of an existing statement, keeping its keywords, comments and line", () => {
    const { file, block: subnet } = block("subnet 10.0.0.0 netmask 255.255.255.0 {\n  # lease\n  Max-Lease-Time   600;   # ten minutes\n}\n");
    setStatement(file, subnet, ["max-lease-time"], [ConfValue.integer(7200, "max-lease-time")]);
    expect(print(file)).toBe("subnet 10.0.0.0 netmask 255.255.255.0 {\n  # lease\n  Max-Lease-Time   7200;   # ten minutes\n}\n");
  });

  it("leaves an equal statement untouched, whatever its formatting", () => {
    const text = "host h {\n  hardware ethernet 00:0A:0b:0c:0d:0e;\n}\n";
    const { file, block: host } = block(text);
    setStatement(file, host, ["hardware", "ethernet"], [ConfValue.hex("0:a:b:c:d:e", "hardware address")]);
    expect(print(file)).toBe(text);
  });

  it("appends a new statement at the block's indentation, or at the given index", () => {
    const { file, block: subnet } = block("subnet 10.0.0.0 netmask 255.255.255.0 {\n    option routers 10.0.0.1;\n}\n");
    setStatement(file, subnet, ["option", "domain-name"], [ConfValue.string('a "quoted" name')]);
    setStatement(file, subnet, ["authoritative"], [], { index: 0 });
    expect(print(file)).toBe(
      'subnet 10.0.0.0 netmask 255.255.255.0 {\n    authoritative;\n    option routers 10.0.0.1;\n    option domain-name "a \\"quoted\\" name";\n}\n',
    );
  });

  it("collapses duplicates into one statement and removes statements by keywords", () => {
    const { file, block: pool } = block("pool {\n  range 10.0.0.1 10.0.0.2;\n  allow unknown-clients;\n  range 10.0.0.5 10.0.0.6;\n}\n");
    setStatement(file, pool, ["range"], [ConfValue.ipv4("10.0.0.10"), ConfValue.ipv4("10.0.0.20")]);
    expect(print(file)).toBe("pool {\n  range 10.0.0.10 10.0.0.20;\n  allow unknown-clients;\n}\n");
    expect(removeStatements(file, pool, ["allow", "unknown-clients"])).toBe(1);
    expect(removeStatements(file, pool, ["deny"])).toBe(0);
    expect(print(file)).toBe("pool {\n  range 10.0.0.10 10.0.0.20;\n}\n");
    expect(findStatements(pool, ["RANGE"])).toHaveLength(1);
  });

  it("keeps an inline block inline", () => {
    const { file, block: host } = block("host h { hardware ethernet 00:00:00:00:00:01; }\n");
    setStatement(file, host, ["fixed-address"], [ConfValue.list([ConfValue.ipv4("10.0.0.5"), ConfValue.host("h.example.com")])]);
    expect(print(file)).toBe("host h { hardware ethernet 00:00:00:00:00:01; fixed-address 10.0.0.5, h.example.com; }\n");
    removeStatements(file, host, ["hardware"]);
    expect(print(file)).toBe("host h { fixed-address 10.0.0.5, h.example.com; }\n");
  });
});

describe("layout", () => {
  it("inserting then removing a statement anywhere in any corpus file gives back the original text", () => {
    let checked = 0;
    for (const name of fixtureNames()) {
      const text = readFixture(name);
      const file = parse(text, name);
      const containers: Container[] = [file, ...[...walk(file)].flatMap((l) => bodiesOf(l.statement))];
      const style = styleOf(file);
      for (const container of containers) {
        const owner = container === file ? null : ([...walk(file)].find((l) => bodiesOf(l.statement).includes(container as never))?.statement ?? null);
        for (let index = 0; index <= container.body.length; index++) {
          const node = materialize({ head: statementTokens(["max-lease-time"], [ConfValue.integer(1, "x")]) }, name, "", style) as Statement;
          insertAt({ container, owner, file }, index, node);
          const inserted = print(file);
          expect(parse(inserted, name).body.length).toBe(file.body.length);
          removeAt(container, index, style);
          expect(print(file), `${name}: container ${containers.indexOf(container)}, index ${index}`).toBe(text);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it("puts a new statement on its own line at its siblings' indentation", () => {
    const file = parse("group {\n\thost a { }\n\n\thost b { }\n}\n");
    const group = file.body[0] as BlockStatement;
    const node = materialize({ head: statementTokens(["host", "c"]), body: [{ head: statementTokens(["fixed-address"], [ConfValue.ipv4("10.0.0.3")]) }] }, "x", "\t", styleOf(file));
    insertAt({ container: group, owner: group, file }, 1, node);
    expect(print(file)).toBe("group {\n\thost a { }\n\n\thost c {\n\t\tfixed-address 10.0.0.3;\n\t}\n\n\thost b { }\n}\n");
  });
});
