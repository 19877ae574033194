/** JSON schemas of the Diyalog operations' parameters and of the inbound CreateInteraction body. */

const nonEmptyString = { type: 'string', minLength: 1, pattern: '\\S' };
/** Diyalog documents strings; the mobile SDK may hold numbers (docs/vendors/diyalog.md 3.1). */
const idLike = { anyOf: [nonEmptyString, { type: 'number' }] };

export const createInteractionSchema = {
  type: 'object',
  required: ['customerId'],
  properties: {
    customerId: idLike,
    identityNumber: idLike,
    attachedData: { type: ['object', 'array'] },
  },
};

export const deleteInteractionSchema = {
  type: 'object',
  required: ['interactionId'],
  properties: { interactionId: idLike },
};

export const notDeliveredSchema = {
  type: 'object',
  properties: {
    interactionId: idLike,
    sessionId: idLike,
    message: { type: 'string' },
  },
};

/**
 * What `diyalog-interaction-in` accepts as a CreateInteraction body: an object with a
 * non-empty `customerId`; `identityNumber` optional; `attachedData` array, object or null;
 * anything else kept. Element checks of the array are done while flattening.
 */
export const inboundCreateSchema = {
  type: 'object',
  required: ['customerId'],
  properties: {
    customerId: idLike,
    identityNumber: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] },
    attachedData: { type: ['array', 'object', 'null'] },
  },
};
