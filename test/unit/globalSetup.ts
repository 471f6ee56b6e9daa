import { execFileSync } from "node:child_process";
import * as path from "node:path";

/** The serialization tests load the compiled CommonJS package, exactly as a Pulumi program would. */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, "../..");
  execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
  execFileSync(process.execPath, [path.join(root, "scripts/link-self.ts")], { cwd: root, stdio: "inherit" });
}
