import { KNOWN_DIFFERENCES } from './transcripts/known-differences';
import { loadTranscripts, replay, transcriptsDir } from './transcripts/transcript-replay';

/**
 * Transcript fidelity: every scenario recorded from Asterisk 22.10.1 (../shared/ari-transcripts, or
 * ARI_TRANSCRIPTS_DIR) is replayed against the simulator and compared (see transcript-replay.ts for the rules).
 */
const dir = transcriptsDir();
const transcripts = dir ? loadTranscripts(dir) : [];

if (!dir) {
  describe.skip('transcript fidelity: SKIPPED, no transcripts found (set ARI_TRANSCRIPTS_DIR or provide ../shared/ari-transcripts)', () => {
    it('replays every recorded scenario', () => undefined);
  });
} else {
  describe(`transcript fidelity (${transcripts.length} scenarios from ${dir})`, () => {
    it('found the recorded scenarios', () => {
      expect(transcripts.length).toBeGreaterThan(0);
    });

    it.each(transcripts.map((t) => [t.scenario, t] as const))(
      '%s behaves as recorded',
      async (_name, transcript) => {
        const result = await replay(transcript);
        expect(result.requests + result.comparedEvents).toBeGreaterThan(0);
        const known = KNOWN_DIFFERENCES[transcript.scenario] ?? [];
        const unexpected = result.differences.filter((d) => !known.some((k) => k.match.test(d)));
        expect(unexpected).toEqual([]);
        const stale = known.filter((k) => !result.differences.some((d) => k.match.test(d)));
        expect(stale.map((k) => k.reason)).toEqual([]);
      },
    );
  });
}
