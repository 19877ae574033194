export * from './answer';
export * from './client';
export * from './cookies';
export * from './messages';
export * from './session';
export * from './sse';
export * from './time';
