export * from './answer';
export * from './client';
export * from './session';
