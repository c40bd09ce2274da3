/** The only door to the AWS SDK: a lazy import, bundled as its own file (see scripts/build.mjs). */
import type * as Sdk from './sdk';

export type AwsModule = typeof Sdk;

let pending: Promise<AwsModule> | undefined;

export function loadAws(): Promise<AwsModule> {
  pending ??= import('./sdk').catch((e: unknown) => {
    // The bundle maps './sdk' to dist/aws.js and never gets here. In out/ (the one-to-one
    // transpile the unit tests run) nothing maps it, and Node's import() wants the extension.
    // The specifier is a variable so the bundler leaves this fallback alone.
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    const unbundled = './sdk.js';
    return (import(unbundled) as Promise<{ default?: AwsModule } & AwsModule>).then((m) => m.default ?? m);
  });
  return pending;
}
