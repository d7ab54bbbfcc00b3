import { timingSafeEqual } from 'node:crypto';

export interface Credentials {
  user: string;
  password: string;
}

function same(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** ARI accepts HTTP Basic or `api_key=user:password` in the query string. */
export function isAuthorized(
  credentials: Credentials,
  authorization: string | undefined,
  search: URLSearchParams,
): boolean {
  const expected = `${credentials.user}:${credentials.password}`;
  const apiKey = search.get('api_key');
  if (apiKey !== null && same(apiKey, expected)) return true;
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    if (same(decoded, expected)) return true;
  }
  return false;
}

export const UNAUTHORIZED_BODY = JSON.stringify({ message: 'Authentication required' });

export const MISSING_APP_PAGE =
  '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n<html><head>\r\n<title>400 Bad Request</title>\r\n</head><body>\r\n' +
  '<h1>Bad Request</h1>\r\n<p>HTTP request is missing param: [app]</p>\r\n<hr />\r\n<address>Asterisk/22.10.1</address>\r\n</body></html>\r\n';
