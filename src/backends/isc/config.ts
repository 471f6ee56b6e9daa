import type { OperationContext } from "../../provider/context";
import { parseWithIncludes, print, type Conf, type ConfTree } from "./conf";
import { IscHost } from "./host";
import type { IscServer } from "./schema";

/** A server's configuration as read: the parsed tree (includes followed) and every file's text. */
export interface LoadedConfig {
  conf: ConfTree;
  texts: Map<string, string>;
}

export function configKey(server: IscServer): string {
  return `isc:config:${server.ssh.username}@${server.ssh.host}:${server.ssh.port}:${server.configPath}`;
}

/** Reads the config and every file it includes (for reading; the library writes only the main file). */
export async function loadConfig(host: IscHost): Promise<LoadedConfig> {
  const texts = new Map<string, string>();
  const conf = await parseWithIncludes(host.server.configPath, async (path) => {
    const text = path === host.server.configPath ? await host.readConfig() : await host.readFile(path);
    if (text === undefined) throw new Error(`${host.server.name}: ${path}, included by ${host.server.configPath}, does not exist`);
    texts.set(path, text);
    return text;
  });
  return { conf, texts };
}

/** Parses again from texts already read: how a failed edit is undone without touching the server. */
export function reparse(server: IscServer, texts: Map<string, string>): Promise<ConfTree> {
  return parseWithIncludes(server.configPath, (path) => {
    const text = texts.get(path);
    if (text === undefined) throw new Error(`${server.name}: ${path} was not read`);
    return text;
  });
}

/**
 * The config as this run last saw it: read once per server per run and shared by every diff, then
 * replaced by what this run wrote. Callers must not edit it: commits parse their own copy.
 */
export function readConfigCached(ctx: OperationContext, server: IscServer): Promise<LoadedConfig> {
  return ctx.snapshots.get(configKey(server), async () => loadConfig(await IscHost.open(ctx, server)));
}

export function rootText(conf: Conf): string {
  return print(conf.type === "tree" ? conf.root : conf);
}
