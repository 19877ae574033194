export * from './transport';
export * from './proxy';
export * from './redact';
export * from './cancel';
export * from './answer';
export * from './cookies';
