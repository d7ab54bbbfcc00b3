import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isTenantId } from '@cc/contracts';
import { validateIvrFlow } from '../flows/ivr-flow.validation';
import { TimeZoneSchema } from '../flows/ivr-flow.schema';
import { DEFAULT_TENANT_SETTINGS } from './entry-point.types';
import { InMemoryEntryPoints } from './in-memory-entry-points';

const FileSchema = z.object({
  entryPoints: z.array(
    z.object({
      did: z.string().min(1).max(32),
      tenantId: z.string().refine(isTenantId, 'must be a tenant id'),
      flowId: z.string().min(1).max(128),
      flow: z.unknown(),
      settings: z
        .object({
          timeZone: TimeZoneSchema.optional(),
          holidays: z.array(z.iso.date()).optional(),
          announceEverySeconds: z.number().int().min(0).max(3600).optional(),
          recordCalls: z.boolean().optional(),
          consentPrompt: z.array(z.string()).optional(),
        })
        .default({}),
    }),
  ),
});

/** Reads entry points from a JSON file; any invalid flow stops the start-up with its reasons. */
export function loadEntryPointsFile(path: string): InMemoryEntryPoints {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const file = FileSchema.parse(raw);
  const lookup = new InMemoryEntryPoints();
  for (const ep of file.entryPoints) {
    const flow = validateIvrFlow(ep.flow);
    if (!flow.ok) {
      throw new Error(
        `entry point ${ep.did}: invalid flow: ${flow.violations.map((v) => `${v.field}: ${v.message}`).join('; ')}`,
      );
    }
    lookup.add({
      did: ep.did,
      tenantId: ep.tenantId,
      flowId: ep.flowId,
      flow: flow.flow,
      settings: {
        ...DEFAULT_TENANT_SETTINGS,
        ...(ep.settings.timeZone ? { timeZone: ep.settings.timeZone } : {}),
        ...(ep.settings.holidays ? { holidays: ep.settings.holidays } : {}),
        ...(ep.settings.announceEverySeconds !== undefined
          ? { announceEverySeconds: ep.settings.announceEverySeconds }
          : {}),
        ...(ep.settings.recordCalls !== undefined ? { recordCalls: ep.settings.recordCalls } : {}),
        consentPrompt: ep.settings.consentPrompt,
      },
    });
  }
  return lookup;
}
