export * from './transport';
export * from './dispatchers';
export * from './retry';
export * from './redact';
export * from './cancel';
export * from './answer';
export * from './path';
