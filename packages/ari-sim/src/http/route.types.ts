export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteParam {
  name: string;
  paramType: 'path' | 'query' | 'body';
  dataType: string;
  required?: boolean;
  allowMultiple?: boolean;
  description: string;
  allowableValues?: string[];
  defaultValue?: string | number | boolean;
}

export interface AriRequest {
  /** Path parameters, decoded. */
  path: Record<string, string>;
  /** Query parameters merged with a JSON body's top-level scalars (Asterisk accepts both); the last value wins. */
  param(name: string): string | undefined;
  /** The parsed JSON body, if any. */
  body: unknown;
}

export interface AriResult {
  status: number;
  body?: unknown;
  /** Raw bytes (a recording file) instead of JSON. */
  raw?: { contentType: string; data: Buffer };
}

export interface Route {
  resource: string;
  path: string;
  method: HttpMethod;
  nickname: string;
  summary: string;
  responseClass: string;
  params: RouteParam[];
  handler(req: AriRequest): AriResult;
}
