/**
 * What a simulated world is made of: the operator's tenants (each with DIDs, an IVR menu, queues with
 * skills and service-level targets, customers with value), a shared agent pool and the callers'
 * behaviour. Times are scenario seconds; the ARI simulator's time scale makes them pass faster.
 */
export interface QueueSpec {
  id: string;
  name: string;
  /** The skill the IVR option sets (one per queue in the demo). */
  skillId: string;
  /** The IVR key that leads here; undefined: the DID's flow goes straight to this queue. */
  digit?: string;
  /** Share of the tenant's callers who choose this queue. */
  share: number;
  /** Mean talk time and its coefficient of variation (lognormal), or exponential when cv = 1 and exponential is set. */
  talkMeanS: number;
  talkCv: number;
  /** 'exponential' for queueing-theory checks, 'lognormal' for realistic calls. */
  talkDistribution: 'exponential' | 'lognormal';
  /** Mean patience (exponential); undefined: callers never give up. */
  patienceMeanS?: number;
  wrapUpS: number;
  priority: number;
  serviceLevelTarget: number;
  serviceLevelThresholdS: number;
}

export interface TenantSpec {
  id: string;
  name: string;
  timeZone: string;
  did: string;
  /** Calls per hour at the busiest hour of the day shape. */
  busyHourRate: number;
  queues: QueueSpec[];
  /** Customers seeded in crm (known callers), of whom the top 20% by value get the top tier. */
  customers: number;
  /** Share of callers who are known customers. */
  knownCallerShare: number;
  /** Scenario seconds between the IVR answering and the caller's key press (menu barge-in). */
  menuKeyAfterS: number;
}

export interface AgentSpec {
  id: string;
  name: string;
  endpoint: string;
  /** Per tenant: skills and levels (1-10). A shared agent has several. */
  profiles: { tenantId: string; skills: { skillId: string; level: number }[] }[];
}

export interface WorldSpec {
  tenants: TenantSpec[];
  agents: AgentSpec[];
  /** How long agents' phones ring before they answer (scenario seconds). */
  agentAnswerS: number;
  /** Breaks: each available agent goes on a break at this mean interval for this mean length; null = none. */
  breaks: { meanEveryS: number; meanLengthS: number } | null;
  /** Hour of day the scenario starts at (the day shape's clock); null: a constant busy-hour rate. */
  startHour: number | null;
}

function queue(
  q: Partial<QueueSpec> & Pick<QueueSpec, 'id' | 'name' | 'skillId' | 'share' | 'talkMeanS'>,
): QueueSpec {
  return {
    talkCv: 0.6,
    talkDistribution: 'lognormal',
    patienceMeanS: 150,
    wrapUpS: 20,
    priority: 50,
    serviceLevelTarget: 0.8,
    serviceLevelThresholdS: 20,
    ...q,
  };
}

function agents(
  prefix: string,
  from: number,
  count: number,
  profiles: (i: number) => AgentSpec['profiles'],
): AgentSpec[] {
  return Array.from({ length: count }, (_, k) => {
    const n = from + k;
    const id = `${prefix}${String(n).padStart(3, '0')}`;
    return { id, name: `Agent ${n}`, endpoint: `PJSIP/agent-${id}`, profiles: profiles(n) };
  });
}

/**
 * The demo: an outsourcer serving an airline's booking line, a bank's card service and a telecom's
 * sales line, with a shared pool (some agents work for two clients). Staffed for roughly 80/20 at the
 * busy hour (offered load ~45 Erlangs over 56 agents).
 */
export function demoWorld(): WorldSpec {
  const tenants: TenantSpec[] = [
    {
      id: 'skyways',
      name: 'Skyways Airline: booking line',
      timeZone: 'America/New_York',
      did: '+15551000100',
      busyHourRate: 240,
      customers: 200,
      knownCallerShare: 0.45,
      menuKeyAfterS: 3,
      queues: [
        queue({
          id: 'booking',
          name: 'New bookings',
          skillId: 'booking',
          digit: '1',
          share: 0.6,
          talkMeanS: 240,
        }),
        queue({
          id: 'changes',
          name: 'Changes and refunds',
          skillId: 'changes',
          digit: '2',
          share: 0.4,
          talkMeanS: 280,
          priority: 60,
        }),
      ],
    },
    {
      id: 'northbank',
      name: 'Northbank: card service',
      timeZone: 'America/Chicago',
      did: '+15551000200',
      busyHourRate: 180,
      customers: 200,
      knownCallerShare: 0.6,
      menuKeyAfterS: 3,
      queues: [
        queue({
          id: 'cards',
          name: 'Card service',
          skillId: 'cards',
          digit: '1',
          share: 0.75,
          talkMeanS: 180,
        }),
        queue({
          id: 'fraud',
          name: 'Lost, stolen, fraud',
          skillId: 'fraud',
          digit: '2',
          share: 0.25,
          talkMeanS: 300,
          priority: 90,
          patienceMeanS: 240,
        }),
      ],
    },
    {
      id: 'telco',
      name: 'Telco One: sales line',
      timeZone: 'America/Los_Angeles',
      did: '+15551000300',
      busyHourRate: 180,
      customers: 200,
      knownCallerShare: 0.35,
      menuKeyAfterS: 3,
      queues: [
        queue({
          id: 'sales',
          name: 'Sales',
          skillId: 'sales',
          digit: '1',
          share: 0.55,
          talkMeanS: 420,
          priority: 70,
        }),
        queue({
          id: 'support',
          name: 'Support',
          skillId: 'support',
          digit: '2',
          share: 0.45,
          talkMeanS: 300,
        }),
      ],
    },
  ];
  const level = (i: number, base: number): number => 1 + ((i * 7 + base) % 10);
  return {
    tenants,
    agents: [
      ...agents('a', 1, 16, (i) => [
        {
          tenantId: 'skyways',
          skills: [
            { skillId: 'booking', level: level(i, 3) },
            ...(i % 2 === 0 ? [{ skillId: 'changes', level: level(i, 5) }] : []),
          ],
        },
      ]),
      ...agents('a', 17, 12, (i) => [
        {
          tenantId: 'northbank',
          skills: [
            { skillId: 'cards', level: level(i, 2) },
            ...(i % 3 !== 0 ? [{ skillId: 'fraud', level: level(i, 6) }] : []),
          ],
        },
      ]),
      ...agents('a', 29, 18, (i) => [
        {
          tenantId: 'telco',
          skills: [
            { skillId: 'sales', level: level(i, 4) },
            ...(i % 2 === 1 ? [{ skillId: 'support', level: level(i, 1) }] : []),
          ],
        },
      ]),
      // The shared pool: each serves two clients.
      ...agents('s', 1, 10, (i) => [
        {
          tenantId: 'skyways',
          skills: [
            { skillId: 'changes', level: level(i, 8) },
            { skillId: 'booking', level: level(i, 2) },
          ],
        },
        {
          tenantId: i <= 5 ? 'telco' : 'northbank',
          skills:
            i <= 5
              ? [{ skillId: 'support', level: level(i, 3) }]
              : [{ skillId: 'cards', level: level(i, 9) }],
        },
      ]),
    ],
    agentAnswerS: 3,
    breaks: { meanEveryS: 2 * 3600, meanLengthS: 600 },
    startHour: 8,
  };
}

/**
 * One single-skill queue with N identical agents and Poisson callers: the world of queueing theory
 * (Erlang C, or Erlang A with exponential patience), for the end-to-end benchmark.
 */
export function erlangWorld(options: {
  agents: number;
  lambdaPerHour: number;
  ahtS: number;
  patienceS?: number;
}): WorldSpec {
  const tenantId = 'e2e';
  return {
    tenants: [
      {
        id: tenantId,
        name: 'Erlang',
        timeZone: 'UTC',
        did: '+15559000000',
        busyHourRate: options.lambdaPerHour,
        customers: 0,
        knownCallerShare: 0,
        menuKeyAfterS: 0,
        queues: [
          {
            id: 'q1',
            name: 'Single skill',
            skillId: 'general',
            share: 1,
            talkMeanS: options.ahtS,
            talkCv: 1,
            talkDistribution: 'exponential',
            ...(options.patienceS !== undefined ? { patienceMeanS: options.patienceS } : {}),
            wrapUpS: 0,
            priority: 50,
            serviceLevelTarget: 0.8,
            serviceLevelThresholdS: 20,
          },
        ],
      },
    ],
    agents: agents('e', 1, options.agents, () => [{ tenantId, skills: [{ skillId: 'general', level: 5 }] }]),
    agentAnswerS: 0,
    breaks: null,
    startHour: null,
  };
}
