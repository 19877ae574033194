export * from './transport';
export * from './redact';
export * from './cancel';
export * from './answer';
export * from './path';
export * from './cookies';
