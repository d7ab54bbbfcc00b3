import { RecordingUrlSigner, recordingUrlKey } from './recording-url.util';

describe('recording download URLs', () => {
  const signer = new RecordingUrlSigner(recordingUrlKey('x'.repeat(32)));
  const now = 1_800_000_000;

  function parts(query: string): { tenant: string; expires: number; signature: string } {
    const q = new URLSearchParams(query);
    return {
      tenant: q.get('tenant') ?? '',
      expires: Number(q.get('expires')),
      signature: q.get('signature') ?? '',
    };
  }

  it('verifies its own signature until the expiry, not after', () => {
    const { tenant, expires, signature } = parts(signer.sign('call-1', 'acme', now + 300));
    expect(tenant).toBe('acme');
    expect(signer.verify('call-1', 'acme', expires, signature, now)).toBe(true);
    expect(signer.verify('call-1', 'acme', expires, signature, now + 300)).toBe(true);
    expect(signer.verify('call-1', 'acme', expires, signature, now + 301)).toBe(false);
  });

  it('refuses another recording, tenant, expiry or key', () => {
    const { expires, signature } = parts(signer.sign('call-1', 'acme', now + 300));
    expect(signer.verify('call-2', 'acme', expires, signature, now)).toBe(false);
    expect(signer.verify('call-1', 'globex', expires, signature, now)).toBe(false);
    expect(signer.verify('call-1', 'acme', expires + 1, signature, now)).toBe(false);
    const other = new RecordingUrlSigner(recordingUrlKey('y'.repeat(32)));
    expect(other.verify('call-1', 'acme', expires, signature, now)).toBe(false);
    expect(signer.verify('call-1', 'acme', expires, 'short', now)).toBe(false);
  });
});
