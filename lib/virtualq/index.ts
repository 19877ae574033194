export * from './client';
export * from './normalise';
export * from './schemas';
