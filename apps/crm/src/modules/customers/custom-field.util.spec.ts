import { type CustomFieldDefinition, validateCustomFields } from './custom-field.util';

const definitions: CustomFieldDefinition[] = [
  { key: 'contract_no', label: 'Contract', type: 'string', required: true, options: [] },
  { key: 'seats', label: 'Seats', type: 'number', required: false, options: [] },
  { key: 'vip', label: 'VIP', type: 'boolean', required: false, options: [] },
  { key: 'renewal', label: 'Renewal', type: 'date', required: false, options: [] },
  { key: 'plan', label: 'Plan', type: 'enum', required: false, options: ['basic', 'pro'] },
];

describe('validateCustomFields', () => {
  it('accepts typed values and returns them typed', () => {
    const result = validateCustomFields(
      { contract_no: 'C-1', seats: 12, vip: true, renewal: '2027-01-31', plan: 'pro' },
      definitions,
    );
    expect(result.violations).toEqual([]);
    expect(result.values).toEqual({
      contract_no: 'C-1',
      seats: 12,
      vip: true,
      renewal: '2027-01-31',
      plan: 'pro',
    });
  });

  it('reads the textual form of every type when asked (CSV, gRPC)', () => {
    const result = validateCustomFields(
      { contract_no: 'C-1', seats: '12.5', vip: 'yes', plan: 'basic' },
      definitions,
      { fromText: true },
    );
    expect(result.violations).toEqual([]);
    expect(result.values).toMatchObject({ seats: 12.5, vip: true });
  });

  it('names every bad field with its rule', () => {
    const result = validateCustomFields(
      { seats: 'many', vip: 'maybe', renewal: '31.01.2027', plan: 'gold', colour: 'red' },
      definitions,
    );
    expect(result.violations.map((v) => [v.field, v.rule])).toEqual([
      ['customFields.seats', 'invalid_type'],
      ['customFields.vip', 'invalid_type'],
      ['customFields.renewal', 'invalid_format'],
      ['customFields.plan', 'invalid_option'],
      ['customFields.colour', 'unknown_field'],
      ['customFields.contract_no', 'required'],
    ]);
  });

  it('lets a patch leave required fields alone, but not blank them', () => {
    expect(validateCustomFields({ seats: 3 }, definitions, { partial: true }).violations).toEqual([]);
    expect(validateCustomFields({ contract_no: '' }, definitions).violations[0]).toMatchObject({
      field: 'customFields.contract_no',
      rule: 'required',
    });
    expect(validateCustomFields({ seats: null }, definitions, { partial: true }).removed).toEqual(['seats']);
  });
});
