export * from './ids';
export * from './infrastructure';
export * from './test-database';
export * from './wait-for';
export * from './private-nats-server';
