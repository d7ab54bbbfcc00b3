import type { Logger } from '@nestjs/common';
import { AriCore } from '../ari/ari-core.service';
import { AriHttpClient, type AriChannel } from '../ari/ari-http.client';
import type { AcdPort } from '../acd/acd.port';
import { AssignmentsWatcher } from '../acd/assignments.watcher';
import type { CrmPort } from '../crm/crm.port';
import type { EntryPointLookup } from '../entry-points/entry-point.types';
import type { Clock } from '../../infrastructure/clock';
import type { CallFactsPort } from './call-facts.port';
import { CallsService, type CallsServiceOptions, type CallStore } from './calls.service';
import type { CallSnapshot } from './call.types';
import { CallsStasisHandler } from './calls.stasis-handler';

export interface TelephonyEngineOptions {
  ariUrl: string;
  ariUsername: string;
  ariPassword: string;
  app: string;
  nodeId: string;
  operatorTenantId: string;
  minBackoffMs?: number;
  /** The trunk external transfers go through. */
  transferTrunk?: string;
}

export interface TelephonyEnginePorts {
  lookup: EntryPointLookup;
  acd: AcdPort;
  crm: CrmPort;
  facts: CallFactsPort;
  clock: Clock;
  logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  store?: CallStore;
  timings?: CallsServiceOptions['timings'];
}

/** One telephony node: the ARI core, the call engine and the acd assignment stream, wired together. */
export class TelephonyEngine {
  readonly ari: AriHttpClient;
  readonly calls: CallsService;
  private readonly core: AriCore;
  private readonly watcher: AssignmentsWatcher;
  private readonly store: CallStore | undefined;
  /** Calls left by a previous holder of the node, adopted at the first resync after start. */
  private inherited: CallSnapshot[] | undefined;

  constructor(
    private readonly options: TelephonyEngineOptions,
    ports: TelephonyEnginePorts,
  ) {
    this.ari = new AriHttpClient({
      baseUrl: options.ariUrl,
      username: options.ariUsername,
      password: options.ariPassword,
    });
    this.store = ports.store;
    this.calls = new CallsService(
      this.ari,
      ports.lookup,
      ports.acd,
      ports.crm,
      ports.facts,
      ports.clock,
      ports.logger,
      {
        app: options.app,
        nodeId: options.nodeId,
        operatorTenantId: options.operatorTenantId,
        ...(options.transferTrunk ? { transferTrunk: options.transferTrunk } : {}),
        ...(ports.timings ? { timings: ports.timings } : {}),
      },
      ports.store,
    );
    const stasis = new CallsStasisHandler(this.calls, ports.logger);
    this.core = new AriCore(
      this.ari,
      {
        baseUrl: options.ariUrl,
        username: options.ariUsername,
        password: options.ariPassword,
        app: options.app,
        ...(options.minBackoffMs !== undefined ? { minBackoffMs: options.minBackoffMs } : {}),
      },
      { onEvent: (e) => stasis.handle(e), resync: (channels) => this.resync(channels) },
      ports.logger,
    );
    this.watcher = new AssignmentsWatcher(ports.acd, options.nodeId, this.calls, ports.logger);
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  get connected(): boolean {
    return this.core.connected;
  }

  get invalidAriMessages(): number {
    return this.core.invalidMessages;
  }

  async start(): Promise<void> {
    this.inherited = (await this.store?.list?.()) ?? [];
    await this.core.start();
    this.watcher.start();
  }

  async stop(): Promise<void> {
    this.calls.shutdown();
    await this.watcher.stop();
    await this.core.stop();
    await this.ari.close();
  }

  /** Stops at once, as a crash would: the socket dropped, nothing cleaned up (tests, fencing). */
  async abort(): Promise<void> {
    this.ari.fence();
    this.calls.shutdown();
    this.core.abort();
    await this.watcher.stop();
    await this.ari.close();
  }

  /**
   * Channels that entered our app while no socket was connected never produced a StasisStart for us:
   * take inbound callers up from the dialplan's Stasis() arguments.
   */
  private resync(channels: AriChannel[]): Promise<void> {
    const inherited = this.inherited;
    this.inherited = undefined;
    if (inherited && inherited.length > 0) this.calls.adopt(inherited, channels);
    for (const channel of channels) {
      const data = channel.dialplan?.app_data ?? '';
      const args = data.split(',');
      if (
        channel.dialplan?.app_name === 'Stasis' &&
        args[0] === this.options.app &&
        args[1] === 'inbound' &&
        args[2]
      ) {
        void this.calls.onInbound(channel, args[2]);
      }
    }
    return Promise.resolve();
  }
}
