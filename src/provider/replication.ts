import type { ScopeSync } from "../backends/backend";
import { backendFor, isVendor, type AnyBackend } from "../backends/registry";
import { secretValues, splitSecrets, type SecretMap } from "../model/secrets";
import { STATE_VERSION } from "../model/state";
import { containsUnknown } from "../model/unknown";
import { formatFailures, validate } from "../model/validate";
import { checkInputs } from "./check";
import { operationContext, type OperationContext } from "./context";
import { deepEqual } from "./differences";
import type { DynamicHandlers } from "./managed";
import { plainJson, publicPart, readStoredState, specFromInputs, storeSecrets, storedSpec } from "./storedState";

type Inputs = Record<string, unknown>;

const EXTRA_OUTPUTS = ["replicated", "outOfSync"] as const;

function label(spec: Inputs): string {
  const relationship = spec.relationship as { name?: unknown } | undefined;
  return `ReplicationTrigger "${String(relationship?.name)} from ${String(spec.source)}"`;
}

function backendOf(inputs: Inputs): AnyBackend {
  if (!isVendor(inputs.vendor)) throw new Error(`ReplicationTrigger: vendor must be "isc", "kea" or "windows", not ${JSON.stringify(inputs.vendor)}`);
  return backendFor(inputs.vendor);
}

function parse(backend: AnyBackend, spec: Inputs): Inputs {
  const result = validate(backend.schemas.replication, spec);
  if (!result.ok) throw new Error(`${label(spec)}: invalid inputs:\n${formatFailures(result.failures)}`);
  if (result.partial) throw new Error(`${label(spec)}: inputs still hold unknown values`);
  return result.value as Inputs;
}

async function withContext<T>(spec: Inputs, secrets: SecretMap | undefined, body: (ctx: OperationContext) => Promise<T>): Promise<T> {
  const { ctx, done } = operationContext(label(spec), secretValues(secrets));
  try {
    return await body(ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw ctx.redactor.redactError(new Error(message.startsWith(ctx.resource) ? message : `${ctx.resource}: ${message}`));
  } finally {
    await done();
  }
}

function outOfSync(sync: ScopeSync): Array<{ scope: string; differences: string[] }> {
  return sync.scopes.filter((s) => !s.inSync).map(({ scope, differences }) => ({ scope, differences }));
}

function outputs(spec: Inputs, replicated: string[], sync: ScopeSync | undefined, warnings: string[]): Inputs {
  const stored = storeSecrets(spec);
  return plainJson({
    ...stored.spec,
    stateVersion: STATE_VERSION,
    secrets: stored.secrets,
    secretHashes: stored.secretHashes,
    warnings,
    replicated,
    outOfSync: sync ? outOfSync(sync) : [],
  }) as Inputs;
}

/**
 * ReplicationTrigger is an action, not an object on the servers: it copies scope configuration from a source
 * server to its partner when created and whenever its triggers change, and its diff reports scopes whose two
 * copies differ, so that a preview shows an out-of-sync scope before anyone is surprised by it.
 */
export const replicationHandlers: DynamicHandlers = {
  check: (_olds, news) =>
    checkInputs(
      {
        vendorOf: (inputs) => inputs.vendor,
        schema: (b) => b.schemas.replication,
        checkLive: (b) => b.replication.checkLive?.bind(b.replication),
        label,
      },
      news,
      // A trigger's copy is one edit among many: nothing to announce.
      false,
    ),

  async diff(_id, olds, news) {
    if (containsUnknown(news)) return { changes: true };
    const backend = backendOf(news);
    const old = readStoredState(olds, EXTRA_OUTPUTS);
    const next = parse(backend, specFromInputs(news));
    const inputsChanged = !deepEqual(old.spec, publicPart(splitSecrets(next).public));
    return withContext(next, news.secrets as SecretMap, async (ctx) => {
      if (inputsChanged) {
        ctx.log.info(`${ctx.resource}: its inputs or triggers changed: replication will run`);
        return { changes: true };
      }
      const sync = await backend.replication.compare(ctx, next);
      for (const scope of outOfSync(sync)) {
        ctx.log.info(`${ctx.resource}: scope ${scope.scope} is out of sync: ${scope.differences.join("; ")}`);
      }
      return { changes: outOfSync(sync).length > 0 };
    });
  },

  async create(inputs) {
    const backend = backendOf(inputs);
    const spec = parse(backend, specFromInputs(inputs));
    return withContext(spec, inputs.secrets as SecretMap, async (ctx) => {
      await backend.replication.preflight?.(ctx, spec);
      const result = await backend.replication.replicate(ctx, spec);
      for (const warning of result.warnings ?? []) ctx.log.warn(`${ctx.resource}: ${warning}`);
      const sync = await backend.replication.compare(ctx, spec);
      return { id: `${String(spec.vendor)}:replication:${Date.now().toString(36)}`, outs: outputs(spec, result.replicated, sync, result.warnings ?? []) };
    });
  },

  async read(id, props) {
    const backend = backendOf(props);
    const old = readStoredState(props, EXTRA_OUTPUTS);
    const spec = parse(backend, storedSpec(old));
    return withContext(spec, old.secrets, async (ctx) => {
      const sync = await backend.replication.compare(ctx, spec);
      return { id, props: outputs(spec, (props.replicated as string[] | undefined) ?? [], sync, []) };
    });
  },

  async update(_id, _olds, news) {
    const backend = backendOf(news);
    const spec = parse(backend, specFromInputs(news));
    return withContext(spec, news.secrets as SecretMap, async (ctx) => {
      await backend.replication.preflight?.(ctx, spec);
      const result = await backend.replication.replicate(ctx, spec);
      for (const warning of result.warnings ?? []) ctx.log.warn(`${ctx.resource}: ${warning}`);
      const sync = await backend.replication.compare(ctx, spec);
      return { outs: outputs(spec, result.replicated, sync, result.warnings ?? []) };
    });
  },

  async delete() {
    // Copies already made stay on the partner: removing the trigger only stops future replication.
  },
};
