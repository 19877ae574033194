/**
 * The package's library entry (`require('@cc-glue/node-red-contact-center')`): the vendor
 * clients the nodes use, usable without Node-RED from any Node.js program. Each client owns a
 * keep-alive connection pool (and for ICWS and GWS one session); call `close()` when done.
 * Errors are `CcError`s with the codes of docs/contract.md 1.3.
 *
 * The vendor folders are also exported whole as namespaces (`ameyo`, `diyalog`, `gws`, `icws`,
 * `virtualq`) for their parameter and result types and helpers; the names below are the
 * stable surface.
 */
export { CcError, ERROR_CODES, type CcErrorInit, type ErrorCode, type VendorAnswer } from './errors';
export { DEFAULT_MAX_RESPONSE_BYTES, type TlsOptions, type TransportOptions } from './http';

export { AmeyoClient, type AmeyoSettings } from './ameyo';
export { DiyalogApiClient, DiyalogQueueClient, type ApiSettings as DiyalogApiSettings, type QueueSettings as DiyalogQueueSettings } from './diyalog';
export { GwsClient, type GwsSettings } from './gws';
export { IcwsClient, type IcwsSessionOptions as IcwsSettings } from './icws';
export { VirtualQClient, type VirtualQSettings } from './virtualq';

export * as ameyo from './ameyo';
export * as diyalog from './diyalog';
export * as gws from './gws';
export * as icws from './icws';
export * as virtualq from './virtualq';
