/** The only door to the AWS SDK: a lazy import, bundled as its own file (see scripts/build.mjs). */
import type * as Sdk from './sdk';

export type AwsModule = typeof Sdk;

let pending: Promise<AwsModule> | undefined;

export function loadAws(): Promise<AwsModule> {
  pending ??= import('./sdk');
  return pending;
}
