export * from './answer';
export * from './client';
export * from './cookies';
export * from './session';
