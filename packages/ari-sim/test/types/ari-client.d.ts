/** The part of ari-client 2.2.0 (untyped) that the tests use. */
declare module 'ari-client' {
  interface Resource {
    on(event: string, listener: (event: Record<string, unknown>, instance: unknown) => void): void;
    once(event: string, listener: (event: Record<string, unknown>, instance: unknown) => void): void;
  }
  interface Playback extends Resource {
    id: string;
    state: string;
  }
  interface Channel extends Resource {
    id: string;
    name: string;
    state: string;
    answer(): Promise<void>;
    hangup(params?: Record<string, string>): Promise<void>;
    play(params: { media: string }, playback?: Playback): Promise<Playback>;
  }
  interface Bridge extends Resource {
    id: string;
    channels: string[];
    addChannel(params: { channel: string }): Promise<void>;
    destroy(): Promise<void>;
  }
  interface Client {
    on(event: 'StasisStart', listener: (event: { args: string[] }, channel: Channel) => void): void;
    on(event: string, listener: (event: Record<string, unknown>, instance: unknown) => void): void;
    start(apps: string | string[]): Promise<void>;
    stop(): void;
    Playback(): Playback;
    bridges: {
      create(params: { type: string; name?: string }): Promise<Bridge>;
      get(params: { bridgeId: string }): Promise<Bridge>;
    };
    channels: {
      list(): Promise<Channel[]>;
      originate(params: Record<string, string>): Promise<Channel>;
    };
  }
  export function connect(url: string, user: string, password: string): Promise<Client>;
}
