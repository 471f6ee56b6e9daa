// Golden files for CLI output a reviewer reads (previews). Run with UPDATE_GOLDEN=1 to write them from this
// run's output instead of comparing: then read the diff of the golden files before committing them.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import type { PulumiProject } from "../../support/pulumiProject.ts";

export const updatingGolden = process.env.UPDATE_GOLDEN === "1";

/** What truly varies between runs and machines, and what stands for it in a golden file. */
export interface Variables {
  /** Literal text -> placeholder (the repository root, the lab's host key, a project's directory...). */
  literals: Record<string, string>;
  /**
   * Leave out the refresh steps and every `--outputs:--` section: they report live status (Kea's heartbeat
   * ages, unacked clients) that changes from one run to the next, and whether a step shows at all depends on it.
   * The provider's lines and the planned changes to inputs stay.
   */
  omitLiveOutputs?: boolean;
}

/** A step's first line: "    ~ pulumi-nodejs:dynamic:Resource: (refresh)", "  pulumi:pulumi:Stack: (same)"... */
const STEP = /^\s*\S*\s*pulumi[\w-]*:[\w:-]+: \([\w-]+\)$/;
/** Where an omitted part ends: the next step, a line from the provider, or the summary. */
const BOUNDARY = (line: string) => STEP.test(line) || line.startsWith("pulumi-dhcp-failover ") || line.startsWith("Resources:");

function withoutLiveOutputs(text: string): string {
  const kept: string[] = [];
  let skipping = false;
  for (const line of text.split("\n")) {
    if (skipping && !BOUNDARY(line)) continue;
    skipping = (STEP.test(line) && line.endsWith(": (refresh)")) || line.trim() === "--outputs:--";
    if (!skipping) kept.push(line);
  }
  return kept.join("\n");
}

/**
 * The engine prints resources that change at the same time in any order, and the provider's lines as they come.
 * In the stable form the provider's lines come first, sorted, then each phase's steps sorted (the stack's own
 * step starts a phase: refresh, then update); blank lines between steps go.
 */
function inStableOrder(text: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => STEP.test(line) || line.startsWith("pulumi-dhcp-failover "));
  const end = lines.findIndex((line) => line.startsWith("Resources:"));
  if (start < 0 || end < start) return text;
  const messages: string[] = [];
  // Per phase: the stack's step, the resources' steps, and the stack's outputs (which end the phase).
  const phases: Array<{ steps: string[][]; outputs: string[] }> = [];
  let inOutputs = false;
  for (const line of lines.slice(start, end)) {
    const phase = phases[phases.length - 1];
    if (line.startsWith("pulumi-dhcp-failover ")) messages.push(line);
    else if (line.trim() === "") continue;
    else if (STEP.test(line)) {
      inOutputs = false;
      if (line.includes("pulumi:pulumi:Stack") || !phase) phases.push({ steps: [[line]], outputs: [] });
      else phase.steps.push([line]);
    } else if (phase && (inOutputs || line === "    --outputs:--")) {
      inOutputs = true;
      phase.outputs.push(line);
    } else phase?.steps[phase.steps.length - 1]!.push(line);
  }
  const steps = phases.flatMap(({ steps: [stack, ...resources], outputs }) => [...(stack ?? []), ...resources.map((step) => step.join("\n")).sort(), ...outputs]);
  return [...lines.slice(0, start), ...messages.sort(), "", ...steps, ...lines.slice(end)].join("\n");
}

/**
 * Makes CLI output comparable across runs: steps in a stable order, literals replaced (longest first), durations, URNs' stack and
 * project, trailing spaces, and live outputs when asked. Everything else, the words a reviewer reads, stays.
 */
export function normaliseOutput(output: string, variables: Variables): string {
  let text = output.replace(/\r\n/g, "\n");
  if (variables.omitLiveOutputs) text = withoutLiveOutputs(text);
  text = inStableOrder(text);
  for (const [literal, placeholder] of Object.entries(variables.literals).sort(([a], [b]) => b.length - a.length)) {
    if (literal.length > 0) text = text.split(literal).join(placeholder);
  }
  return (
    text
      .replace(/urn:pulumi:[^:\s]+::[^:\s]+::/g, "urn:pulumi:<stack>::<project>::")
      // A ReplicationTrigger's id ends in a suffix drawn when it is created.
      .replace(/(:replication:)[a-z0-9]+/g, "$1<id>")
      .replace(/^(\s*Duration: ).*$/gm, "$1<duration>")
      .replace(/\(\d+(\.\d+)?m?s\)/g, "(<duration>)")
      .replace(/[ \t]+$/gm, "")
      .replace(/\n{3,}/g, "\n\n")
      .trim() + "\n"
  );
}

/** Compares `text` with golden/<name>.txt next to the test, or writes it there when UPDATE_GOLDEN=1. */
export function expectGolden(testFile: string, name: string, text: string): void {
  const file = path.join(path.dirname(testFile), "golden", `${name}.txt`);
  if (updatingGolden) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return;
  }
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist: run this test with UPDATE_GOLDEN=1 to write it, then review it`);
  expect(text, `${name}: the output differs from ${path.relative(process.cwd(), file)} (UPDATE_GOLDEN=1 rewrites it)`).toBe(fs.readFileSync(file, "utf8"));
}

export interface GoldenPreviewOptions {
  testFile: string;
  /** The golden files' prefix: "isc" gives golden/isc-<name>.txt. */
  prefix: string;
  /** Read at each step: tests set these up in beforeAll. */
  project: () => PulumiProject;
  baseProgram: () => string;
  variables: () => Variables;
}

/**
 * A golden preview step: writes `program` when given, runs `pulumi preview --diff` (with `extra`), compares
 * the normalised output with golden/<prefix>-<name>.txt, and puts the base program back.
 */
export function goldenPreviews(options: GoldenPreviewOptions): (name: string, step?: { program?: string; extra?: string[] }) => Promise<string> {
  return async (name, step = {}) => {
    const project = options.project();
    if (step.program) project.writeProgram(step.program);
    try {
      const result = await project.preview(["--diff", ...(step.extra ?? [])]);
      expectGolden(options.testFile, `${options.prefix}-${name}`, normaliseOutput(result.output, options.variables()));
      return result.output;
    } finally {
      project.writeProgram(options.baseProgram());
    }
  };
}
