import { TENANT_ID_PATTERN } from '../common/ids';

/** Every fact lives under this root: `cc.<tenantId>.<domain>.<entity>.<past-verb>`. */
export const SUBJECT_ROOT = 'cc';

const TOKEN = /^[a-z][a-z0-9_]*$/;

export interface SubjectParts {
  tenantId: string;
  domain: string;
  entity: string;
  verb: string;
}

function assertToken(name: string, value: string): void {
  if (!TOKEN.test(value))
    throw new Error(`subject ${name} "${value}" must be a lowercase token without dots`);
}

/** Builds the subject of one fact; throws on a tenant id or token that would break the subject tree. */
export function factSubject(parts: SubjectParts): string {
  if (!TENANT_ID_PATTERN.test(parts.tenantId))
    throw new Error(`subject tenantId "${parts.tenantId}" is not a valid tenant id`);
  assertToken('domain', parts.domain);
  assertToken('entity', parts.entity);
  assertToken('verb', parts.verb);
  return `${SUBJECT_ROOT}.${parts.tenantId}.${parts.domain}.${parts.entity}.${parts.verb}`;
}

/** Parses a fact subject back into its parts; undefined when it is not one. */
export function parseFactSubject(subject: string): SubjectParts | undefined {
  const tokens = subject.split('.');
  if (tokens.length !== 5 || tokens[0] !== SUBJECT_ROOT) return undefined;
  const [, tenantId, domain, entity, verb] = tokens as [string, string, string, string, string];
  if (!TENANT_ID_PATTERN.test(tenantId) || ![domain, entity, verb].every((t) => TOKEN.test(t)))
    return undefined;
  return { tenantId, domain, entity, verb };
}

/** Subject filters for consumers. `*` stands for any one token. */
export const subjectFilters = {
  /** Every fact of every tenant of one domain, e.g. `cc.*.telephony.>` */
  domain: (domain: string): string => `${SUBJECT_ROOT}.*.${domain}.>`,
  /** One fact type across tenants, e.g. `cc.*.telephony.call.ended` */
  type: (domain: string, entity: string, verb: string): string =>
    `${SUBJECT_ROOT}.*.${domain}.${entity}.${verb}`,
  /** Everything of one tenant, e.g. `cc.t_acme.>` */
  tenant: (tenantId: string): string => `${SUBJECT_ROOT}.${tenantId}.>`,
  /** Everything. */
  all: (): string => `${SUBJECT_ROOT}.>`,
};

/** Stream names per domain: one JetStream stream holds all facts of one domain. */
export function domainStreamName(domain: string, prefix = ''): string {
  assertToken('domain', domain);
  return `${prefix}${SUBJECT_ROOT.toUpperCase()}_${domain.toUpperCase()}`;
}
