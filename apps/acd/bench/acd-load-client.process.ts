/**
 * The callers and the simulated telephony of the service benches, in a process of their own (forked
 * by measureFromChildProcess): receives { grpcAddress, tenant, run }, answers { result } or { error }.
 */
import { AcdV1 } from '@cc/contracts';
import { createGrpcClient } from '@cc/platform';
import { type LatencyRun, measureEnqueueToAssign } from './acd-service.util';

process.once('message', (message: { grpcAddress: string; tenant: string; run: LatencyRun }) => {
  const client = createGrpcClient(AcdV1.AcdServiceService, {
    address: message.grpcAddress,
    defaultDeadlineMs: 10_000,
  });
  measureEnqueueToAssign(client, message.tenant, message.run).then(
    (result) => {
      client.close();
      process.send?.({ result }, () => process.exit(0));
    },
    (error: unknown) => {
      process.send?.({ error: String(error instanceof Error ? (error.stack ?? error.message) : error) }, () =>
        process.exit(1),
      );
    },
  );
});
