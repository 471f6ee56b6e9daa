/**
 * One Kea server as the backend uses it during a run: its control API (one pooled client per endpoint),
 * its version and running configuration (read once per run, forgotten when this library writes), every
 * command counted for the benchmark, and every secret config-get returns handed to the redactor.
 */
import type { KeaApiConnection } from "../../model/connections";
import type { OperationContext } from "../../provider/context";
import type { Json } from "../backend";
import { KEA_SUCCESS, KeaApi, KeaCommandError, type KeaAnswer } from "./controlApi";
import { dhcp4, type KeaConfig } from "./configEdit";
import type { JsonObject } from "./haConfig";
import { secretsIn } from "./redact";
import { parseVersion, type KeaVersion } from "./version";

export interface Endpoint {
  /** The peer's name: how messages and outputs name the server. */
  name: string;
  api: KeaApiConnection;
  configPath: string;
}

/** Identifies a Kea server across the resources of a run, and names its commit queue. */
export function keaServerKey(api: KeaApiConnection): string {
  return `kea:${new URL(api.url).href}`;
}

export class KeaServer {
  /** Identifies the server across resources of a run (a hub appears in several relationships). */
  readonly key: string;

  constructor(
    private readonly ctx: OperationContext,
    readonly label: string,
    readonly api: KeaApiConnection,
    readonly configPath: string,
  ) {
    this.key = keaServerKey(api);
  }

  static of(ctx: OperationContext, endpoint: Endpoint): KeaServer {
    return new KeaServer(ctx, endpoint.name, endpoint.api, endpoint.configPath);
  }

  private client(): Promise<KeaApi> {
    return this.ctx.connections.get(`${this.key}|${this.api.username ?? ""}`, async () => new KeaApi(this.api));
  }

  /** One command; Kea's answer whatever its result. */
  async send(command: string, args?: Json): Promise<KeaAnswer> {
    this.ctx.metrics.count("kea.command", this.label, command);
    return (await this.client()).send(this.label, command, args);
  }

  /** One command that must succeed; its arguments. */
  async call(command: string, args?: Json): Promise<unknown> {
    const answer = await this.send(command, args);
    if (answer.result !== KEA_SUCCESS) throw new KeaCommandError(this.label, command, answer.result, answer.text ?? "");
    return answer.arguments;
  }

  version(): Promise<KeaVersion> {
    return this.ctx.snapshots.get(`${this.key}:version`, async () => {
      const answer = await this.send("version-get");
      if (answer.result !== KEA_SUCCESS || !answer.text) throw new KeaCommandError(this.label, "version-get", answer.result, answer.text ?? "");
      return parseVersion(answer.text);
    });
  }

  /** The running configuration, read once per run (until this library writes). */
  config(): Promise<KeaConfig> {
    return this.ctx.snapshots.get(`${this.key}:config`, () => this.readConfig());
  }

  /** A fresh config-get, for the moment just before a write. */
  async readConfig(): Promise<KeaConfig> {
    const args = await this.call("config-get");
    if (args === null || typeof args !== "object" || Array.isArray(args)) {
      throw new Error(`${this.label}: config-get returned no configuration`);
    }
    const config = { ...(args as JsonObject) };
    // Kea 2.4+ adds the configuration's hash: not part of the configuration.
    delete config.hash;
    this.ctx.redactor.remember(secretsIn(config));
    dhcp4(config);
    return config;
  }

  /** Records what the server holds after a write of ours, so later reads of the run see it. */
  written(config: KeaConfig): void {
    this.ctx.snapshots.invalidate(`${this.key}:config`);
    this.ctx.snapshots.invalidate(`${this.key}:status`);
    void this.ctx.snapshots.get(`${this.key}:config`, async () => config);
  }

  /** status-get's arguments, read once per run (until this library writes). */
  status(): Promise<JsonObject> {
    return this.ctx.snapshots.get(`${this.key}:status`, () => this.readStatus());
  }

  /** status-get's arguments from a read started at `startedAfter` or later: every waiter on this server shares it. */
  statusSince(startedAfter: number): Promise<JsonObject> {
    return this.ctx.snapshots.since(`${this.key}:status`, startedAfter, () => this.readStatus());
  }

  private async readStatus(): Promise<JsonObject> {
    return (await this.call("status-get")) as JsonObject;
  }

  /** Where the server's hook libraries are installed, from its build report. */
  async hooksDirectory(): Promise<string> {
    const answer = await this.send("build-report");
    const match = /Hooks directory:\s*(\S+)/.exec(answer.text ?? "");
    if (answer.result !== KEA_SUCCESS || !match) {
      throw new Error(`${this.label}: cannot tell where Kea's hook libraries are (its build report does not say): set hooksDirectory on this peer`);
    }
    return match[1]!;
  }
}
