import { freePort } from '@cc/testing';
import type { ServiceName, ServicePorts } from './stack';

/** The demo's fixed ports (docs, compose and Kubernetes use the same): HTTP 808x, gRPC 5005x, ARI 8088. */
export const DEMO_PORTS: { ari: number; services: Record<ServiceName, ServicePorts> } = {
  ari: 8088,
  services: {
    gateway: { http: 8080 },
    telephony: { http: 8081, grpc: 50051 },
    acd: { http: 8082, grpc: 50052 },
    crm: { http: 8083, grpc: 50053 },
    campaign: { http: 8084, grpc: 50054 },
    qa: { http: 8085, grpc: 50055 },
  },
};

/** Free ports for everything: a second stack beside a running demo (tests, benchmarks). */
export async function freePorts(): Promise<typeof DEMO_PORTS> {
  const services = {} as Record<ServiceName, ServicePorts>;
  for (const name of Object.keys(DEMO_PORTS.services) as ServiceName[]) {
    services[name] =
      name === 'gateway' ? { http: await freePort() } : { http: await freePort(), grpc: await freePort() };
  }
  return { ari: await freePort(), services };
}
