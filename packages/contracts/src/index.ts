export * from './common/ids';
export * from './common/phone-number';
export * from './common/problem-details';
export * from './events/subjects';
export * from './events/envelope';
export * from './events/telephony.events';
export * from './events/acd.events';
export * from './grpc';
