/** The Connect sandbox (a local Amazon Connect + Participant Service). Built as dist/sandbox.js. */
export {};
