import { createHmac } from 'node:crypto';
import { computeSignature, retryDelayMs, signatureHeader, verifySignature } from './webhook-signature.util';

describe('webhook signatures', () => {
  const body = '{"id":"e1","type":"telephony.call.ended"}';

  it('verifies its own signature and refuses a changed body, secret or stale timestamp', () => {
    const header = signatureHeader('whsec_a', 1_700_000_000, body);
    expect(verifySignature('whsec_a', header, body, 1_700_000_010)).toBe(true);
    expect(verifySignature('whsec_a', header, `${body} `, 1_700_000_010)).toBe(false);
    expect(verifySignature('whsec_b', header, body, 1_700_000_010)).toBe(false);
    expect(verifySignature('whsec_a', header, body, 1_700_001_000)).toBe(false);
    expect(verifySignature('whsec_a', 'garbage', body, 1_700_000_000)).toBe(false);
  });

  it('is HMAC-SHA256 over "timestamp.body"', () => {
    // Known vector: printf '1.{}' | openssl dgst -sha256 -hmac k
    expect(computeSignature('k', 1, '{}')).toBe(createHmac('sha256', 'k').update('1.{}').digest('hex'));
  });

  it('backs off exponentially up to the cap', () => {
    const noJitter = () => 1;
    expect([1, 2, 3, 4, 10].map((a) => retryDelayMs(a, 1000, 5000, noJitter))).toEqual([
      1000, 2000, 4000, 5000, 5000,
    ]);
    expect(retryDelayMs(3, 1000, 60_000, () => 0)).toBe(2000);
  });
});
