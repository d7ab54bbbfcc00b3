import { CrmV1 } from '@cc/contracts';
import { patchFromUpdate, toMoney } from './crm-grpc.mapper';

describe('crm gRPC mapping', () => {
  it('expresses minor units as units and nanos in the currency own precision', () => {
    expect(toMoney(12345n, 'EUR')).toEqual({ currencyCode: 'EUR', units: 123, nanos: 450_000_000 });
    expect(toMoney(-250n, 'EUR')).toEqual({ currencyCode: 'EUR', units: -2, nanos: -500_000_000 });
    expect(toMoney(5000n, 'JPY')).toEqual({ currencyCode: 'JPY', units: 5000, nanos: 0 });
    expect(toMoney(1234n, 'BHD')).toEqual({ currencyCode: 'BHD', units: 1, nanos: 234_000_000 });
  });

  it('reads only the update paths named, and reports the ones it does not know', () => {
    const customer = CrmV1.Customer.decode(
      CrmV1.Customer.encode({
        ...CrmV1.Customer.decode(new Uint8Array()),
        firstName: 'Ann',
        lastName: '',
        tags: ['x'],
        customFields: { plan: 'pro', old: '' },
        consent: { recording: true, marketing: true },
      }).finish(),
    );
    const { patch, unknown } = patchFromUpdate({
      customerId: 'c',
      customer,
      updatePaths: ['firstName', 'lastName', 'customFields', 'consent.marketing', 'valueTier'],
      expectedVersion: 0,
    });
    expect(patch).toEqual({
      firstName: 'Ann',
      lastName: null,
      customFields: { plan: 'pro', old: null },
      consent: { marketing: true },
    });
    expect(unknown).toEqual(['valueTier']);
  });
});
