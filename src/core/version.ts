/** Product identity shared by the extension, the CLI and the sandbox. Injected at build time. */
declare const __CHATREQ_VERSION__: string | undefined;

export const PRODUCT_NAME = 'Chatreq';
export const VERSION: string = typeof __CHATREQ_VERSION__ === 'string' ? __CHATREQ_VERSION__ : '0.0.0-dev';
