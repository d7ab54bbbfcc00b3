import { resolveCalleeZones } from './callee-zones';

describe('resolveCalleeZones', () => {
  it('uses the customer zone when crm has a valid one', async () => {
    await expect(resolveCalleeZones('+12125551234', 'America/Chicago')).resolves.toEqual(['America/Chicago']);
  });

  it('derives the zone from the number prefix', async () => {
    await expect(resolveCalleeZones('+12125551234')).resolves.toEqual(['America/New_York']);
    await expect(resolveCalleeZones('+14155552671', 'Not/AZone')).resolves.toEqual(['America/Los_Angeles']);
    await expect(resolveCalleeZones('+4930123456')).resolves.toEqual(['Europe/Berlin']);
  });

  it('gives every zone a non-geographic number spans (toll-free +1 800)', async () => {
    const zones = await resolveCalleeZones('+18005550199');
    expect(zones).toEqual(
      expect.arrayContaining(['America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu']),
    );
  });

  it('gives nothing for a number it cannot read', async () => {
    await expect(resolveCalleeZones('not a number')).resolves.toEqual([]);
  });
});
