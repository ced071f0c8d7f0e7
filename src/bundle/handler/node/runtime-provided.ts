/**
 * What Lambda's Node runtimes provide beside the bundle.
 *
 * From nodejs18.x on, the runtime includes the AWS SDK for JavaScript v3:
 * every `@aws-sdk/*` package (all `@aws-sdk/client-*` clients and the
 * helpers such as `@aws-sdk/lib-dynamodb`, `@aws-sdk/lib-storage`,
 * `@aws-sdk/credential-providers`), installed in the runtime's own
 * node_modules, and no longer the v2 `aws-sdk` package that nodejs16.x and
 * older included. Sources: "Why and how you should use AWS SDK for
 * JavaScript (v3) on Node.js 18" (AWS Developer Tools Blog: "The AWS SDK for
 * JavaScript (v3) is included by default in AWS Lambda Node.js 18 runtime"),
 * the Lambda developer guide's "Building Lambda functions with Node.js"
 * (Runtime-included SDK versions), and a listing of the nodejs18 image's
 * /var/runtime (advancedweb.hu, "Getting started with the AWS JS SDK v3
 * included in the Node runtime": 419 packages, @aws-sdk/client-* and the
 * rest of @aws-sdk/*). Also in shared/LAMBDA.md §6.
 *
 * The runtime's copy is a pinned version that Lambda updates on its own
 * schedule; a function that needs a given version ships it (then the
 * bundle's copy resolves first and is what the check follows).
 */
export const FIRST_RUNTIME_WITHOUT_SDK_V2 = 18;

function nodeMajor(runtime: string): number | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  return match ? Number(match[1]) : undefined;
}

export function providedByNodeRuntime(runtime: string): (packageName: string) => boolean {
  const major = nodeMajor(runtime);
  if (major === undefined) return () => false;
  if (major >= FIRST_RUNTIME_WITHOUT_SDK_V2) return (name) => name.startsWith('@aws-sdk/');
  return (name) => name === 'aws-sdk';
}

/** True when `name` is the AWS SDK v2, which this runtime no longer provides. */
export function isDroppedSdkV2(runtime: string, name: string): boolean {
  return name === 'aws-sdk' && (nodeMajor(runtime) ?? 0) >= FIRST_RUNTIME_WITHOUT_SDK_V2;
}
