import { startTelemetry } from '@cc/platform/dist/telemetry/telemetry';

// Tracing first: everything else (http, grpc, nats) loads after it, so the instrumentations patch it.
startTelemetry('telephony');

import('./bootstrap.js')
  .then(({ main }) => main())
  .catch((error: unknown) => {
    // e.g. AriConnectError on a 401: a clear start-up error, never an uncaught exception.
    console.error('telephony failed to start:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
