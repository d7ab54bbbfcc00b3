import { QaSettingsInputSchema } from './qa-settings.model';

describe('QaSettingsInputSchema', () => {
  it('parses a patch to only the fields it names (no defaults fill the rest)', () => {
    expect(QaSettingsInputSchema.parse({ samplingRules: { agentShare: 0 } })).toEqual({
      samplingRules: { agentShare: 0 },
    });
    expect(QaSettingsInputSchema.parse({ checkLimits: { maxHolds: 4 } })).toEqual({
      checkLimits: { maxHolds: 4 },
    });
  });

  it('still validates the fields it names, and refuses unknown ones', () => {
    expect(QaSettingsInputSchema.safeParse({ samplingRules: { agentShare: 2 } }).success).toBe(false);
    expect(QaSettingsInputSchema.safeParse({ samplingRules: { share: 0.1 } }).success).toBe(false);
    expect(QaSettingsInputSchema.safeParse({ timeZone: 'Mars/Olympus' }).success).toBe(false);
  });
});
