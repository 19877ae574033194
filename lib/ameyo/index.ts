export * from './client';
export * from './parse';
