import { startTelemetry } from '@cc/platform/dist/telemetry/telemetry';

// Tracing first: everything else (http, grpc, nats, pg) loads after it, so the instrumentations patch it.
startTelemetry('acd');

import('./bootstrap.js')
  .then(({ main }) => main())
  .catch((error: unknown) => {
    console.error('acd failed to start:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
