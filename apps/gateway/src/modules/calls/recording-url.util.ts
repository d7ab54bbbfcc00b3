import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** The path of a recording's file; the signature covers it, so one URL opens one recording. */
export function recordingFilePath(recordingId: string): string {
  return `/v1/recordings/${encodeURIComponent(recordingId)}/file`;
}

/** A key of its own for download URLs, derived from the JWT secret (one secret less to provision). */
export function recordingUrlKey(jwtSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', jwtSecret, 'cc-gateway', 'recording download urls', 32));
}

/**
 * Short-lived download URLs: HMAC-SHA256 over the path, the tenant and the expiry. The URL is the
 * credential (a browser or a media player fetches it without a header): whoever holds it may fetch
 * that one recording of that tenant until it expires, and nothing else.
 */
export class RecordingUrlSigner {
  constructor(private readonly key: Buffer) {}

  private mac(path: string, tenantId: string, expiresAt: number): Buffer {
    return createHmac('sha256', this.key).update(`${path}\n${tenantId}\n${expiresAt}`).digest();
  }

  /** The query string of a URL valid until `expiresAt` (Unix seconds). */
  sign(recordingId: string, tenantId: string, expiresAt: number): string {
    const signature = this.mac(recordingFilePath(recordingId), tenantId, expiresAt).toString('base64url');
    return new URLSearchParams({ tenant: tenantId, expires: String(expiresAt), signature }).toString();
  }

  /** Whether the signature is this key's for exactly this path, tenant and expiry, and not expired. */
  verify(
    recordingId: string,
    tenantId: string,
    expiresAt: number,
    signature: string,
    nowSeconds: number,
  ): boolean {
    if (!Number.isSafeInteger(expiresAt) || expiresAt < nowSeconds) return false;
    const expected = this.mac(recordingFilePath(recordingId), tenantId, expiresAt);
    const given = Buffer.from(signature, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
