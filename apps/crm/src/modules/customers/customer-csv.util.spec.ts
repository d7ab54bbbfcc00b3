import { columnOfPath, csvRowToInput, mergePrepared, resolveHeader } from './customer-csv.util';
import type { PreparedCustomer } from './customer-preparation.util';

describe('CSV mapping', () => {
  it('resolves headers directly, through a mapping, as custom fields, and refuses the unknown', () => {
    const { targets, violations } = resolveHeader(['Vorname', 'last_name', 'custom.plan', 'id', 'Shoe'], {
      Vorname: 'first_name',
    });
    expect(targets).toEqual([
      { kind: 'field', column: 'first_name' },
      { kind: 'field', column: 'last_name' },
      { kind: 'custom', key: 'plan' },
      { kind: 'ignored' },
      { kind: 'ignored' },
    ]);
    expect(violations).toEqual([expect.objectContaining({ field: 'header.Shoe', rule: 'unknown_column' })]);
    expect(resolveHeader(['phone', 'Tel'], { Tel: 'phone' }).violations[0]).toMatchObject({
      rule: 'duplicate_column',
    });
  });

  it('turns a row into a create body: lists split on ";", blanks left out', () => {
    const { targets } = resolveHeader(
      ['first_name', 'phone', 'email', 'tags', 'consent_marketing', 'custom.plan', 'language'],
      {},
    );
    expect(
      csvRowToInput(
        ['Ann', '+41 44 668 18 00; 079 123 45 67', 'a@x.ch', 'vip;;new', 'yes', 'pro', ''],
        targets,
      ),
    ).toEqual({
      firstName: 'Ann',
      phoneNumbers: [{ number: '+41 44 668 18 00' }, { number: '079 123 45 67' }],
      emails: ['a@x.ch'],
      tags: ['vip', 'new'],
      customFields: { plan: 'pro' },
      consent: { recording: false, marketing: true },
    });
  });

  it('names the CSV column of a validation path', () => {
    expect(columnOfPath('phoneNumbers.1.number')).toBe('phone');
    expect(columnOfPath('customFields.plan')).toBe('custom.plan');
    expect(columnOfPath('emails.0')).toBe('email');
    expect(columnOfPath('consent.marketing')).toBe('consent_marketing');
  });

  it('merges a later row into an earlier one: lists unite, given values win, the first external ref stays', () => {
    const base: PreparedCustomer = {
      firstName: 'Max',
      lastName: null,
      displayName: 'Max',
      searchName: 'max',
      searchNameReversed: 'max',
      language: 'de',
      timeZone: null,
      emails: ['a@x.de'],
      addresses: [],
      phones: [{ e164: '+4989111111', raw: '089 111111', extension: null, kind: 'other' }],
      externalRef: 'K-1',
      tags: ['a'],
      customFields: { plan: 'basic', seats: 1 },
      consentRecording: false,
      consentMarketing: false,
    };
    const merged = mergePrepared(base, {
      ...base,
      firstName: 'Maximilian',
      lastName: 'Muster',
      displayName: 'Maximilian Muster',
      searchName: 'maximilian muster',
      searchNameReversed: 'muster maximilian',
      language: null,
      emails: ['b@x.de'],
      phones: [{ e164: '+4930222222', raw: '030 222222', extension: null, kind: 'work' }],
      externalRef: 'K-2',
      tags: ['b'],
      customFields: { plan: 'pro' },
      consentMarketing: true,
    });
    expect(merged).toMatchObject({
      firstName: 'Maximilian',
      displayName: 'Maximilian Muster',
      language: 'de',
      emails: ['a@x.de', 'b@x.de'],
      externalRef: 'K-1',
      tags: ['a', 'b'],
      customFields: { plan: 'pro', seats: 1 },
      consentMarketing: true,
    });
    expect(merged.phones.map((p) => p.e164)).toEqual(['+4989111111', '+4930222222']);
  });
});
