import { startTelemetry } from '@cc/platform/dist/telemetry/telemetry';

// Tracing first: everything else (http, pg) loads after it, so the instrumentations patch it.
startTelemetry('gateway');

import('./bootstrap.js')
  .then(({ main }) => main())
  .catch((error: unknown) => {
    console.error('gateway failed to start:', error);
    process.exit(1);
  });
