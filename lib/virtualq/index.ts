export * from './client';
export * from './types';
export * from './normalise';
export * from './schemas';
