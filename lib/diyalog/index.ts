export * from './attached-data';
export * from './parse';
export * from './hmac';
export * from './schemas';
export * from './queue-client';
export * from './api-client';
export * from './inbound';
