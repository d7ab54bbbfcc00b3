import { Registry } from 'prom-client';
import { CallStepLatencyMetrics } from './call-step-latency.metrics';

describe('CallStepLatencyMetrics', () => {
  it('observes each step between its two milestones of the same call', async () => {
    const registry = new Registry();
    let now = 0;
    const metrics = new CallStepLatencyMetrics(registry, () => now);
    metrics.record('c1', 'stasis_start');
    now = 4;
    metrics.record('c2', 'stasis_start');
    now = 6;
    metrics.record('c1', 'enqueued'); // 6 ms
    metrics.record('c1', 'assigned');
    now = 9;
    metrics.record('c1', 'agent_ringing'); // 3 ms
    now = 100;
    metrics.record('c1', 'agent_answered');
    now = 101;
    metrics.record('c1', 'bridged'); // 1 ms
    const text = await registry.metrics();
    expect(text).toContain('cc_telephony_call_step_seconds_count{step="enqueue"} 1');
    expect(text).toContain('cc_telephony_call_step_seconds_sum{step="enqueue"} 0.006');
    expect(text).toContain('cc_telephony_call_step_seconds_sum{step="ringing"} 0.003');
    expect(text).toContain('cc_telephony_call_step_seconds_sum{step="bridged"} 0.001');
    // c2 never enqueued: nothing observed for it.
    expect(text).not.toContain('cc_telephony_call_step_seconds_count{step="enqueue"} 2');
  });
});
