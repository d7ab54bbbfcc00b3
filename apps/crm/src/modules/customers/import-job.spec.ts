import { FixedClock } from '../../infrastructure/clock';
import { type ImportJobView, ImportJobs } from './import-job';

describe('ImportJob', () => {
  const start = new Date('2026-11-23T10:00:00Z');

  function setup() {
    const clock = new FixedClock(start);
    const jobs = new ImportJobs(clock);
    const job = jobs.create('t1', 'skip', {});
    const seen: ImportJobView[] = [];
    let completed = false;
    job.events.subscribe({ next: (v) => seen.push(v), complete: () => (completed = true) });
    return { clock, jobs, job, seen, isCompleted: () => completed };
  }

  it('publishes progress at most every 250 ms, phase changes and the outcome always', () => {
    const { clock, job, seen, isCompleted } = setup();
    job.start();
    job.read(1_000);
    job.read(2_000);
    clock.set(new Date(start.getTime() + 300));
    job.read(3_000);
    job.enter('writing');
    job.wrote(3_000);
    job.succeed({ rows: 3_000, created: 3_000, merged: 0, skipped: 0 });
    expect(seen.map((v) => [v.status, v.phase, v.rowsRead, v.rowsWritten])).toEqual([
      ['running', 'reading', 0, 0],
      ['running', 'reading', 3_000, 0],
      ['running', 'writing', 3_000, 0],
      ['succeeded', 'done', 3_000, 3_000],
    ]);
    expect(isCompleted()).toBe(true);
  });

  it('cancels: a running import is told through its signal and ends cancelled with nothing written', () => {
    const { job } = setup();
    job.start();
    job.wrote(500);
    job.cancel();
    expect(job.signal.aborted).toBe(true);
    expect(job.status).toBe('running');
    job.fail('the import was cancelled; nothing was imported');
    expect(job.view()).toMatchObject({ status: 'cancelled', rowsWritten: 0, phase: 'done' });
  });

  it('ends an import still waiting for its upload at once, and runs an import only once', () => {
    const { job } = setup();
    job.cancel();
    expect(job.status).toBe('cancelled');
    expect(() => job.start()).toThrow(/cancelled/);
  });

  it('keeps row errors for the report up to its bound, counting all', () => {
    const { job } = setup();
    job.rowErrors(Array.from({ length: 100_005 }, (_, i) => ({ row: i + 2, column: 'phone', reason: 'x' })));
    expect(job.errorCount).toBe(100_005);
    expect(job.errors).toHaveLength(100_000);
  });

  it("finds a tenant's imports only for that tenant and forgets finished ones after an hour", () => {
    const { clock, jobs, job } = setup();
    expect(jobs.get('t1', job.id)).toBe(job);
    expect(() => jobs.get('t2', job.id)).toThrow(/not found/i);
    job.cancel();
    clock.set(new Date(start.getTime() + 61 * 60_000));
    jobs.create('t1', 'skip', {});
    expect(() => jobs.get('t1', job.id)).toThrow(/not found/i);
  });
});
