/**
 * Loads the JSON engine with the module that imports this one, for Node programs (the CLI,
 * tests, benches), where validation is synchronous from the first call. The extension's bundles
 * replace this module with an empty one (scripts/build.mjs): there the engine is a lazy chunk,
 * loaded by loadJsonEngine().
 */
import { createJsonEngine } from './engine';
import { provideJsonEngine } from '.';

provideJsonEngine(createJsonEngine);
