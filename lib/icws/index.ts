export * from './answer';
export * from './client';
export * from './dialer-memory';
export * from './messages';
export * from './session';
export * from './sse';
export * from './subscriptions';
export * from './time';
