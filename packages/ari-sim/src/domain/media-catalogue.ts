/**
 * The sounds the simulator knows and how long media takes to play. Lengths of the prompts observed in the
 * transcripts are taken from them (hello-world ~1.42 s, queue-thereare ~2.26 s, digits ~0.84 s each); the others are
 * estimates. Unknown `sound:` ids still play (for DEFAULT_SOUND_MS) so that an application's own prompts work
 * without configuration; real Asterisk would fail them (see README).
 */
export const DEFAULT_SOUND_MS = 2000;
const DIGIT_MS = 830;
/** Some digit prompts are shorter than the others (digits:2 took 0.76 s, digits:7 0.84 s). */
const DIGIT_MS_BY_DIGIT: Readonly<Record<string, number>> = { '2': 750 };
const NUMBER_WORD_MS = 850;

export const SOUND_DURATIONS_MS: Readonly<Record<string, number>> = {
  'hello-world': 1400,
  'demo-congrats': 10400,
  'queue-thereare': 2250,
  'queue-callswaiting': 1560,
  'queue-youarenext': 1700,
  'queue-holdtime': 2900,
  'queue-minutes': 900,
  'queue-seconds': 900,
  'queue-thankyou': 2600,
  'queue-periodic-announce': 8000,
  'queue-quantity1': 1000,
  'queue-quantity2': 1000,
  'queue-reporthold': 1300,
  'queue-less-than': 900,
  'conf-now-unmuted': 1200,
  'conf-thereare': 1000,
  'pls-hold-while-try': 2300,
  'please-try-again': 1300,
  goodbye: 800,
  beep: 250,
  'silence/1': 1000,
  'vm-goodbye': 800,
  'agent-loginok': 1100,
  'agent-loggedoff': 1100,
  beeperr: 500,
  transfer: 800,
  'pbx-transfer': 900,
  'auth-thankyou': 900,
  'for-sales': 1100,
  'for-support': 1200,
  'press-1': 700,
  'press-2': 700,
  'to-listen-to-it': 1100,
  welcome: 900,
  'your-call-is-important': 2700,
  'all-reps-busy': 3200,
  'call-forward': 1000,
  'tt-monkeys': 9800,
};

export function knownSoundIds(): string[] {
  return Object.keys(SOUND_DURATIONS_MS).sort();
}

/** How many words Asterisk's English say-number speaks (each is one prompt file). */
export function numberWordCount(n: number): number {
  let value = Math.abs(Math.trunc(n));
  let words = n < 0 ? 1 : 0;
  if (value === 0) return words + 1;
  for (const [size] of [[1_000_000_000], [1_000_000], [1000]] as const) {
    if (value >= size) {
      words += numberWordCount(Math.floor(value / size)) + 1;
      value %= size;
    }
  }
  if (value >= 100) {
    words += 2;
    value %= 100;
  }
  if (value >= 20) {
    words += 1;
    value %= 10;
    if (value > 0) words += 1;
  } else if (value > 0) {
    words += 1;
  }
  return words;
}

export type MediaKind = 'sound' | 'digits' | 'number' | 'tone' | 'recording' | 'characters';

export interface ParsedMedia {
  uri: string;
  kind: MediaKind;
  value: string;
}

export function parseMediaUri(uri: string): ParsedMedia | undefined {
  const colon = uri.indexOf(':');
  if (colon <= 0) return undefined;
  const kind = uri.slice(0, colon);
  const value = uri.slice(colon + 1);
  switch (kind) {
    case 'sound':
    case 'digits':
    case 'number':
    case 'tone':
    case 'recording':
    case 'characters':
      return { uri, kind, value };
    default:
      return undefined;
  }
}

/**
 * Duration in simulated ms; `undefined` means "plays until stopped" (tones), `null` means the media cannot be
 * played (PlaybackFinished with state failed).
 */
export function mediaDurationMs(
  media: ParsedMedia,
  recordingLengthMs: (name: string) => number | undefined,
  extraSounds: ReadonlyMap<string, number>,
): number | null | undefined {
  switch (media.kind) {
    case 'sound':
      return extraSounds.get(media.value) ?? SOUND_DURATIONS_MS[media.value] ?? DEFAULT_SOUND_MS;
    case 'digits':
      if (!/^[0-9*#A-Da-dwW]+$/.test(media.value)) return null;
      return [...media.value].reduce((total, digit) => total + (DIGIT_MS_BY_DIGIT[digit] ?? DIGIT_MS), 0);
    case 'characters':
      return media.value.length > 0 ? media.value.length * DIGIT_MS : null;
    case 'number': {
      const n = Number(media.value);
      return Number.isInteger(n) ? numberWordCount(n) * NUMBER_WORD_MS : null;
    }
    case 'tone':
      return undefined;
    case 'recording': {
      const length = recordingLengthMs(media.value);
      return length === undefined ? null : length;
    }
  }
}
