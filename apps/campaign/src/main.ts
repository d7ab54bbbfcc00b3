import { startTelemetry } from '@cc/platform/dist/telemetry/telemetry';

// Tracing first: everything else (http, pg, grpc) loads after it, so the instrumentations patch it.
startTelemetry('campaign');

import('./bootstrap.js')
  .then(({ main }) => main())
  .catch((error: unknown) => {
    console.error('campaign failed to start:', error);
    process.exit(1);
  });
