// The real PowerShell grammar (tree-sitter-powershell, compiled to WebAssembly) loaded once per process.
import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import { Language, Parser, type Node } from "web-tree-sitter";

const require = createRequire(import.meta.url);

let parser: Promise<Parser> | undefined;

export function powerShellParser(): Promise<Parser> {
  parser ??= (async () => {
    // Each emulated command is a short process: V8's optimising compile of the grammar's WebAssembly would
    // take two seconds of CPU that the process waits for at exit; the baseline compiler alone is plenty.
    setFlagsFromString("--liftoff-only");
    await Parser.init();
    const language = await Language.load(require.resolve("tree-sitter-powershell/tree-sitter-powershell.wasm"));
    const instance = new Parser();
    instance.setLanguage(language);
    return instance;
  })();
  return parser;
}

/** The first syntax error of a tree, as "line:column near TEXT", or undefined when the text parses. */
export function syntaxError(root: Node): string | undefined {
  if (!root.hasError) return undefined;
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "ERROR" || node.isMissing) {
      const { row, column } = node.startPosition;
      return `${row + 1}:${column + 1} near ${JSON.stringify(node.text.slice(0, 60))}`;
    }
    stack.push(...[...node.children].reverse());
  }
  return "somewhere in the text";
}
