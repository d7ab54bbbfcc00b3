import {
  PROCESSED_EVENT_DDL,
  pgExecutor,
  prismaExecutor,
  processedEventDdl,
  pruneProcessedEvents,
  runOnce,
  type SqlExecutor,
} from './processed-event.util';

/** Mimics the table's primary key so runOnce's decision is exercised without a database. */
function fakeInbox(): { exec: SqlExecutor; statements: { sql: string; params: unknown[] }[] } {
  const rows = new Set<string>();
  const statements: { sql: string; params: unknown[] }[] = [];
  return {
    statements,
    exec: (sql, params) => {
      statements.push({ sql, params });
      const key = JSON.stringify(params);
      if (rows.has(key)) return Promise.resolve(0);
      rows.add(key);
      return Promise.resolve(1);
    },
  };
}

describe('runOnce', () => {
  it('runs the effect for a new (consumer, event) and skips it afterwards', async () => {
    const { exec, statements } = fakeInbox();
    const effect = jest.fn(() => Promise.resolve('done'));
    await expect(runOnce(exec, { consumer: 'crm', eventId: 'e1', schema: 'crm' }, effect)).resolves.toEqual({
      ran: true,
      result: 'done',
    });
    await expect(runOnce(exec, { consumer: 'crm', eventId: 'e1', schema: 'crm' }, effect)).resolves.toEqual({
      ran: false,
    });
    await expect(
      runOnce(exec, { consumer: 'qa', eventId: 'e1', schema: 'crm' }, effect),
    ).resolves.toMatchObject({
      ran: true,
    });
    expect(effect).toHaveBeenCalledTimes(2);
    expect(statements[0]).toEqual({
      sql: 'INSERT INTO "crm".processed_event (consumer, event_id, processed_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING',
      params: ['crm', 'e1'],
    });
  });

  it('refuses a schema that is not a plain identifier (it is interpolated)', async () => {
    const { exec } = fakeInbox();
    await expect(
      runOnce(exec, { consumer: 'c', eventId: 'e', schema: 'x"; DROP' }, () => Promise.resolve()),
    ).rejects.toThrow(/identifier/);
  });

  it('adapts pg and Prisma executors to rows affected', async () => {
    const query = jest.fn(() => Promise.resolve({ rowCount: 1 }));
    await expect(pgExecutor({ query })('SELECT 1', [2])).resolves.toBe(1);
    expect(query).toHaveBeenCalledWith('SELECT 1', [2]);
    await expect(pgExecutor({ query: () => Promise.resolve({ rowCount: null }) })('x', [])).resolves.toBe(0);
    const $executeRawUnsafe = jest.fn((_sql: string, ..._params: unknown[]) => Promise.resolve(0));
    await expect(prismaExecutor({ $executeRawUnsafe })('INSERT', ['a', 'b'])).resolves.toBe(0);
    expect($executeRawUnsafe).toHaveBeenCalledWith('INSERT', 'a', 'b');
  });

  it('prunes rows older than a date', async () => {
    const { exec, statements } = fakeInbox();
    const before = new Date('2025-01-01T00:00:00Z');
    await pruneProcessedEvents(exec, before, 'acd');
    expect(statements[0]).toEqual({
      sql: 'DELETE FROM "acd".processed_event WHERE processed_at < $1',
      params: [before],
    });
  });

  it('exports the DDL unqualified for migrations and qualified for a schema', () => {
    expect(PROCESSED_EVENT_DDL).toContain('PRIMARY KEY (consumer, event_id)');
    const qualified = processedEventDdl('crm');
    expect(qualified).toContain('CREATE TABLE IF NOT EXISTS "crm".processed_event (');
    expect(qualified).toContain('ON "crm".processed_event (processed_at)');
  });
});
