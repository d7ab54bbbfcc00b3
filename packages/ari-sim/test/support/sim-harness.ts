import { ManualClock } from '../../src/domain/clock';
import { startAriSim, type AriSim, type AriSimOptions } from '../../src/http/ari-sim.server';
import { EventLog, TestAri } from './ari-test-client';

export interface SimFixture {
  sim: AriSim;
  clock: ManualClock;
  ari: TestAri;
  ctl: TestAri;
  ws: EventLog;
  wsUrl(query?: string): string;
  /** Places an inbound call and returns its channel id once StasisStart arrived. */
  inbound(body?: Record<string, unknown>): Promise<string>;
  /** Steps simulated time and waits until the resulting events reached the socket. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** A simulator on a real socket (port 0) with a manual clock and one connected `callcenter` app. */
export async function startFixture(options: AriSimOptions = {}): Promise<SimFixture> {
  const clock = new ManualClock();
  const sim = await startAriSim({ port: 0, clock, ...options });
  const wsUrl = (query = 'app=callcenter&subscribeAll=false&api_key=asterisk:asterisk'): string =>
    `ws://127.0.0.1:${sim.port}/ari/events?${query}`;
  const ws = await EventLog.open(wsUrl());
  const ari = new TestAri(sim.ariUrl);
  const ctl = new TestAri(sim.url);
  const fixture: SimFixture = {
    sim,
    clock,
    ari,
    ctl,
    ws,
    wsUrl,
    async inbound(body = {}): Promise<string> {
      const res = await ctl.post('/sim/v1/inbound-calls', { from: '15550001111', to: '5551000', ...body });
      if (res.status !== 201)
        throw new Error(`inbound call refused: ${res.status} ${JSON.stringify(res.body)}`);
      const id = (res.body as { channelId: string }).channelId;
      await ws.waitType('StasisStart', (e) => e.channel.id === id);
      return id;
    },
    async advance(ms: number): Promise<void> {
      clock.advance(ms);
      await ws.flush();
    },
    async close(): Promise<void> {
      await ws.close();
      await sim.stop();
    },
  };
  return fixture;
}
