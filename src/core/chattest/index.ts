/** Conversation tests (`*.chattest.json`), vscode-free: what the CLI and the Test Explorer import. */
export * from './model';
export * from './matcher';
export * from './runner';
export * from './recorder';
export * from './junit';
export * from './shard';
export * from './discover';
