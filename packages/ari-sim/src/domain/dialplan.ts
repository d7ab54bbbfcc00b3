/**
 * A tiny dialplan: the contexts the recordings used (see ../shared/ari-transcripts/README.md) plus the inbound
 * routing into Stasis. Only the applications those contexts need are interpreted by the world.
 */
export interface DialplanStep {
  app: string;
  data: string;
}

export type ExtensionMap = Record<string, DialplanStep[]>;
export type Dialplan = Record<string, ExtensionMap>;

const step = (app: string, data = ''): DialplanStep => ({ app, data });

/** `${SIM_APP}` is the Stasis app an inbound call is routed to (the request's `app` or the default app). */
const inbound: ExtensionMap = {
  '_X.': [
    step('NoOp', 'Inbound call to ${EXTEN}'),
    step('Stasis', '${SIM_APP},inbound,${EXTEN}'),
    step('Hangup'),
  ],
  '_+X.': [
    step('NoOp', 'Inbound call to ${EXTEN}'),
    step('Stasis', '${SIM_APP},inbound,${EXTEN}'),
    step('Hangup'),
  ],
};

export function defaultDialplan(defaultApp: string): Dialplan {
  return {
    'callcenter-inbound': inbound,
    agents: { '_X.': [step('NoOp', 'Agent ${EXTEN} rings'), step('Answer'), step('Wait', '3600')] },
    'agents-noanswer': { '_X.': [step('Ringing'), step('Wait', '3600')] },
    'agents-busy': { '_X.': [step('Busy', '5')] },
    'transfer-to-agent': {
      '_X.': [step('NoOp', 'Blind transfer to ${EXTEN}'), step('Dial', 'PJSIP/agent,30'), step('Hangup')],
    },
    'outbound-dialplan': {
      '_X.': [step('Answer'), step('Set', 'X=1'), step('Stasis', `${defaultApp},outbound`), step('Hangup')],
      '_+X.': [step('Answer'), step('Set', 'X=1'), step('Stasis', `${defaultApp},outbound`), step('Hangup')],
    },
  };
}

/** The context an endpoint's inbound calls start in: `from-<endpoint>` includes callcenter-inbound. */
export function endpointContext(endpoint: string): string {
  return `from-${endpoint}`;
}

const CLASS: Record<string, string> = { X: '[0-9]', Z: '[1-9]', N: '[2-9]' };

function patternToRegExp(pattern: string): RegExp {
  let source = '';
  const body = pattern.slice(1);
  for (let i = 0; i < body.length; i++) {
    const ch = body.charAt(i);
    if (CLASS[ch]) source += CLASS[ch];
    else if (ch === '.') source += '.+';
    else if (ch === '!') source += '.*';
    else if (ch === '[') {
      const end = body.indexOf(']', i);
      source += body.slice(i, end + 1);
      i = end;
    } else source += ch.replace(/[\\^$*+?.()|{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function matchExtension(map: ExtensionMap, exten: string): DialplanStep[] | undefined {
  const exact = map[exten];
  if (exact) return exact;
  for (const [pattern, steps] of Object.entries(map)) {
    if (pattern.startsWith('_') && patternToRegExp(pattern).test(exten)) return steps;
  }
  return undefined;
}

/** Looks an extension up in a context; `from-*` contexts include callcenter-inbound as in the recordings. */
export function findExtension(plan: Dialplan, context: string, exten: string): DialplanStep[] | undefined {
  const own = plan[context];
  const found = own ? matchExtension(own, exten) : undefined;
  if (found) return found;
  if (context.startsWith('from-') && plan['callcenter-inbound']) {
    return matchExtension(plan['callcenter-inbound'], exten);
  }
  return undefined;
}

export function substitute(data: string, lookup: (name: string) => string | undefined): string {
  return data.replace(/\$\{([^}]+)\}/g, (_m, name: string) => lookup(name) ?? '');
}
