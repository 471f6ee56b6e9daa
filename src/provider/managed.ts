import type { z } from "zod";
import type { Json, LiveObject, ManagedOps } from "../backends/backend";
import { PartialChangeError } from "../backends/errors";
import { backendFor, isVendor, type AnyBackend } from "../backends/registry";
import { withoutDefaults } from "../model/defaults";
import { secretValues, splitSecrets, type SecretMap } from "../model/secrets";
import { STATE_VERSION } from "../model/state";
import { containsUnknown } from "../model/unknown";
import { formatFailures, validate, type CheckFailure } from "../model/validate";
import { checkInputs } from "./check";
import { operationContext, type OperationContext } from "./context";
import { compareViews, deepEqual, describeDifference } from "./differences";
import {
  changedSecrets,
  plainJson,
  publicPart,
  readStoredState,
  specFromInputs,
  storeSecrets,
  storedSpec,
  type StoredState,
} from "./storedState";

type Inputs = Record<string, unknown>;

/** What differs between FailoverRelationship and FailoverScopeMembership; everything else is shared. */
export interface ManagedKind {
  typeName: string;
  /** Output properties of this kind besides the spec and the common ones. */
  extraOutputKeys: readonly string[];
  vendorOf(inputs: Inputs): unknown;
  schema(backend: AnyBackend): z.ZodType;
  ops(backend: AnyBackend): ManagedOps<unknown>;
  /** "lab-isc" or "lab-isc/10.231.11.0/24": names the resource in every message. */
  describe(spec: Inputs): string;
  id(spec: Inputs): string;
  /** A membership's scope: no other resource of the run may claim it on the same servers. */
  scopeOf?(spec: Inputs): string;
  extraOutputs(backend: AnyBackend, spec: unknown, live: LiveObject<unknown>): Record<string, unknown>;
}

export interface DynamicHandlers {
  check(olds: Inputs, news: Inputs): Promise<{ inputs: Inputs; failures?: CheckFailure[] }>;
  diff(id: string, olds: Inputs, news: Inputs): Promise<{ changes: boolean; replaces?: string[]; deleteBeforeReplace?: boolean }>;
  create(inputs: Inputs): Promise<{ id: string; outs: Inputs }>;
  read(id: string, props: Inputs): Promise<{ id?: string; props?: Inputs; inputs?: Inputs }>;
  update(id: string, olds: Inputs, news: Inputs): Promise<{ outs: Inputs }>;
  delete(id: string, props: Inputs): Promise<void>;
}

/**
 * An error the engine records as "created, but failed to initialise": the next up finishes the job. The
 * engine shows only `reasons` of such an error (the SDK's dynamic provider forwards them as the
 * ErrorResourceInitFailed detail; its message becomes "resource init failed"), so the message goes there
 * line by line: the server, the vendor's words and the next step.
 */
export class InitializationError extends Error {
  readonly reasons: string[];

  constructor(
    message: string,
    readonly id: string,
    readonly properties: Inputs,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.reasons = message.split("\n").filter((line) => line.trim() !== "");
  }
}

export function managedHandlers(kind: ManagedKind): DynamicHandlers {
  const label = (spec: Inputs) => {
    try {
      return `${kind.typeName} "${kind.describe(spec)}"`;
    } catch {
      return kind.typeName;
    }
  };

  function backendOf(inputs: Inputs): AnyBackend {
    const vendor = kind.vendorOf(inputs);
    if (!isVendor(vendor)) throw new Error(`${kind.typeName}: vendor must be "isc", "kea" or "windows", not ${JSON.stringify(vendor)}`);
    return backendFor(vendor);
  }

  /** Validates wire inputs into a full spec; a failure here is a bug or a hand-edited state, so it says so. */
  function parseSpec(backend: AnyBackend, spec: Inputs, where: string): Inputs {
    const result = validate(kind.schema(backend), spec);
    if (!result.ok) throw new Error(`${label(spec)}: invalid ${where}:\n${formatFailures(result.failures)}`);
    if (result.partial) throw new Error(`${label(spec)}: ${where} still hold unknown values`);
    return result.value as Inputs;
  }

  function stored(backend: AnyBackend, outputs: Inputs): { state: StoredState; spec: Inputs } {
    const state = readStoredState(outputs, kind.extraOutputKeys);
    return { state, spec: parseSpec(backend, storedSpec(state), "stored state") };
  }

  function outputs(ctx: OperationContext, backend: AnyBackend, spec: Inputs, live: LiveObject<unknown>, previousHashes?: Record<string, string>): Inputs {
    const { spec: publicSpec, secrets, secretHashes } = storeSecrets(spec, previousHashes);
    const redact = (text: string) => ctx.redactor.redact(text);
    return plainJson({
      ...publicSpec,
      // A backend's extra outputs (a target with connection settings, the servers' status and its errors)
      // must never carry a secret value, declared or quoted by a server.
      ...redactStrings(splitSecrets(kind.extraOutputs(backend, spec, live)).public, redact),
      stateVersion: STATE_VERSION,
      secrets,
      secretHashes,
      warnings: (live.warnings ?? []).map(redact),
    }) as Inputs;
  }

  /** Runs one handler call with the run's context, redacting every secret from whatever it throws. */
  async function withContext<T>(operation: string, spec: Inputs, secrets: SecretMap | undefined, body: (ctx: OperationContext) => Promise<T>): Promise<T> {
    const { ctx, done } = operationContext(label(spec), secretValues(secrets));
    ctx.metrics.count(`provider.${operation}`, ctx.resource);
    try {
      return await body(ctx);
    } catch (error) {
      if (error instanceof InitializationError) throw error;
      throw ctx.redactor.redactError(prefixed(label(spec), error));
    } finally {
      await done();
    }
  }

  function report(ctx: OperationContext, live: LiveObject<unknown>): void {
    for (const warning of live.warnings ?? []) ctx.log.warn(`${ctx.resource}: ${warning}`);
  }

  return {
    check: (olds, news) =>
      checkInputs(
        {
          vendorOf: kind.vendorOf,
          schema: kind.schema,
          checkLive: (b) => kind.ops(b).checkLive?.bind(kind.ops(b)),
          commitKeys: (b) => kind.ops(b).commitKeys?.bind(kind.ops(b)),
          ...(kind.scopeOf ? { scopeOf: kind.scopeOf } : {}),
          label,
        },
        news,
        Object.keys(olds).length === 0,
      ),

    async diff(_id, olds, news) {
      const backend = backendOf(olds);
      const { state, spec: oldSpec } = stored(backend, olds);
      if (containsUnknown(news)) {
        // Values that depend on resources not created yet: the change is certain, its extent is not.
        const replaces = ["vendor", "name"].filter((key) => containsUnknown(news[key]) || (news[key] !== undefined && news[key] !== oldSpec[key]));
        return { changes: true, replaces, deleteBeforeReplace: replaces.length > 0 };
      }
      if (kind.vendorOf(news) !== kind.vendorOf(olds)) return { changes: true, replaces: ["vendor"], deleteBeforeReplace: false };
      const next = parseSpec(backend, specFromInputs(news), "inputs");
      const ops = kind.ops(backend);
      const decision = ops.replaceDecision(oldSpec, next);
      return withContext("diff", next, news.secrets as SecretMap, async (ctx) => {
        ctx.commits.plan();
        if (decision.replaces.length > 0) {
          ctx.commits.announce(ops.commitKeys?.(next) ?? []);
          ctx.log.info(`${ctx.resource}: ${decision.replaces.join(", ")} cannot change in place on the servers: it will be replaced`);
          return { changes: true, replaces: decision.replaces, deleteBeforeReplace: decision.deleteBeforeReplace };
        }
        const live = await ops.read(ctx, next);
        const drift = compareViews(live.views);
        for (const difference of drift) ctx.log.info(`${ctx.resource}: ${describeDifference(difference)}`);
        const secrets = changedSecrets(state, news.secrets as SecretMap);
        for (const path of secrets) ctx.log.info(`${ctx.resource}: the secret ${path} changed`);
        const comparable = (spec: Inputs) => publicPart(storeSecrets(ops.comparable ? ops.comparable(spec) : spec).spec);
        const inputsChanged = !deepEqual(comparable(oldSpec), comparable(next));
        const changes = drift.length > 0 || secrets.length > 0 || inputsChanged;
        if (changes) ctx.commits.announce(ops.commitKeys?.(next) ?? []);
        return { changes, replaces: [], deleteBeforeReplace: false };
      });
    },

    async create(inputs) {
      const backend = backendOf(inputs);
      const spec = parseSpec(backend, specFromInputs(inputs), "inputs");
      const id = kind.id(spec);
      return withContext("create", spec, inputs.secrets as SecretMap, async (ctx) => {
        try {
          const ops = kind.ops(backend);
          ctx.commits.claim(ops.commitKeys?.(spec) ?? []);
          await ops.preflight?.(ctx, spec, "create");
          const live = await ops.create(ctx, spec, { adopt: spec.adopt === true });
          report(ctx, live);
          return { id, outs: outputs(ctx, backend, spec, live) };
        } catch (error) {
          if (error instanceof PartialChangeError) {
            const properties = { ...outputs(ctx, backend, spec, { views: [], live: undefined }), __provider: inputs.__provider };
            throw new InitializationError(ctx.redactor.redact(`${ctx.resource}: ${error.message}`), id, properties, { cause: error });
          }
          throw error;
        }
      });
    },

    async read(id, props) {
      const backend = backendOf(props);
      const { state, spec } = stored(backend, props);
      return withContext("read", spec, state.secrets, async (ctx) => {
        const live = await kind.ops(backend).read(ctx, spec);
        if (live.live === undefined) return { id: "" };
        const liveSpec = live.live as Inputs;
        const outs = outputs(ctx, backend, liveSpec, live, state.secretHashes);
        // A write-only secret (a Windows shared secret) is never read back nor kept: its hash stays until the
        // program changes it; whether the server still uses one shows in the backend's views.
        const hashes = outs.secretHashes as Record<string, string>;
        for (const [path, hash] of Object.entries(state.secretHashes)) if (!(path in hashes)) hashes[path] = hash;
        // Inputs as a program would write them (no defaults), so that the next preview shows only real differences.
        const { spec: publicSpec, secrets } = storeSecrets(withoutDefaults(kind.schema(backend), liveSpec));
        return { id, props: outs, inputs: plainJson({ ...publicSpec, secrets }) as Inputs };
      });
    },

    async update(_id, olds, news) {
      const backend = backendOf(news);
      const { state, spec: oldSpec } = stored(backend, olds);
      const next = parseSpec(backend, specFromInputs(news), "inputs");
      return withContext("update", next, news.secrets as SecretMap, async (ctx) => {
        const ops = kind.ops(backend);
        ctx.commits.claim(ops.commitKeys?.(next) ?? []);
        await ops.preflight?.(ctx, next, "update");
        const live = await ops.update(ctx, oldSpec, next, { changedSecrets: changedSecrets(state, news.secrets as SecretMap) });
        report(ctx, live);
        return { outs: outputs(ctx, backend, next, live, state.secretHashes) };
      });
    },

    async delete(_id, props) {
      const backend = backendOf(props);
      const { state, spec } = stored(backend, props);
      const ops = kind.ops(backend);
      await withContext("delete", spec, state.secrets, async (ctx) => {
        await ops.preflight?.(ctx, spec, "delete");
        await ops.delete(ctx, spec);
      });
    },
  };
}

function prefixed(label: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(message.startsWith(label) ? message : `${label}: ${message}`, { cause: error });
}

export type { Json };

/** Every string inside a JSON value, redacted. */
function redactStrings<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactStrings(item, redact)) as T;
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactStrings(inner, redact)])) as T;
}
