/**
 * `npm run bench -- dialer [--agents N --answer-rate p --talk s --wrap s --hours h --seed n]`: issue 9's name
 * for the pacing benchmark; the same run as `campaign-pacing` (flags pass through).
 */
import './campaign-pacing.bench';
