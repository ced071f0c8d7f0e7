import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { functionLabel, isDescriptionOf, packagePathIn, parseDescription, type DescribedFunction } from '../packages/description.js';
import { TAG_KEY, TAG_PATH, TAG_REPOSITORY, tagValue } from './function-config.js';
import type { DeployTarget } from './target.js';

/** The function a deploy is for: the repository, the package and, for one of several functions, its key. */
export type FunctionIdentity = Pick<DeployTarget, 'repository' | 'path' | 'key'>;

/**
 * Whether check-and-deploy may write to the function that exists under the
 * target's name. A name is only a hash of the repository and the path, so a
 * function found under it is not proof of anything: someone may have made it
 * by hand, or copied another.
 */
export type Ownership =
  /** Its Description is the one deploys of this function write. */
  | { kind: 'ours' }
  /** Its Description is not one lambda-sync writes (edited by hand), but its tags are this package's: it is taken back. */
  | { kind: 'taken-back'; why: string }
  /**
   * Anything else: never written. `why` says what its Description (and
   * tags) say; `retaggable` when its Description is not lambda-sync's, so
   * that tagging it as this package's would let a deploy take it back.
   */
  | { kind: 'not-ours'; why: string; retaggable: boolean };

/**
 * A function belongs to this repository's package when its Description is
 * the package's (`<repository id>/<path>[#<key>]@<revision>`, whole or cut)
 * and no `lambda-sync:repository` tag says otherwise (functions created
 * before the tags existed have none). A Description that is lambda-sync's
 * but names another repository, package or key is someone else's function,
 * whatever its tags. A Description that is not lambda-sync's at all (empty,
 * edited by hand, another tool's) leaves the tags to decide: the
 * `lambda-sync:repository` tag must be this repository's and the
 * `lambda-sync:path` tag, when there is one, this package's.
 */
export function ownershipOf(configuration: FunctionConfiguration, tags: Record<string, string>, ours: FunctionIdentity): Ownership {
  const description = configuration.Description ?? '';
  const repositoryTag = tags[TAG_REPOSITORY];
  const ourRepositoryTag = tagValue(ours.repository);
  if (isDescriptionOf(description, ours.repository, ours.path, ours.key)) {
    if (repositoryTag === undefined || repositoryTag === ourRepositoryTag) return { kind: 'ours' };
    return { kind: 'not-ours', why: `its Description ${JSON.stringify(description)} is this function's, but its ${TAG_REPOSITORY} tag is ${JSON.stringify(repositoryTag)}`, retaggable: false };
  }
  const described = parseDescription(description);
  if (described) return { kind: 'not-ours', why: `its Description ${JSON.stringify(description)} names ${whose(described, ours)}`, retaggable: false };

  const pathTag = tags[TAG_PATH];
  const keyTag = tags[TAG_KEY];
  const said = `its Description ${JSON.stringify(description)} is not one lambda-sync writes`;
  // A key tag tells two functions of one package apart (written since keys existed; absent on older deploys).
  const sameKey = keyTag === undefined ? true : keyTag === tagValue(ours.key ?? '');
  if (repositoryTag === ourRepositoryTag && (pathTag === undefined || pathTag === tagValue(ours.path)) && sameKey) {
    return { kind: 'taken-back', why: `${said} (edited by hand?), but its ${pathTag === undefined ? `${TAG_REPOSITORY} tag is` : `${TAG_REPOSITORY} and ${TAG_PATH} tags are`} this package's: taking it back` };
  }
  const notOurs = (tagged: string): Ownership => ({ kind: 'not-ours', why: `${said}, and ${tagged}`, retaggable: true });
  if (repositoryTag === undefined) return notOurs(`it has no ${TAG_REPOSITORY} tag`);
  if (repositoryTag !== ourRepositoryTag) return notOurs(`its ${TAG_REPOSITORY} tag is ${JSON.stringify(repositoryTag)}`);
  if (pathTag !== undefined && pathTag !== tagValue(ours.path)) return notOurs(`its ${TAG_PATH} tag is ${JSON.stringify(pathTag)}, another package of this repository`);
  return notOurs(`its ${TAG_KEY} tag is ${JSON.stringify(keyTag)}, another function of this package`);
}

/** Whose function a lambda-sync Description names, when it is not `ours`. */
function whose(described: DescribedFunction, ours: FunctionIdentity): string {
  if (described.subject === undefined) return 'a function whose repository and path Lambda\'s 256-character limit cut, not this one';
  const path = packagePathIn(described, ours.repository);
  if (path === undefined) return `${functionLabel(described.subject, described.key)}, a function of another repository`;
  if (path !== ours.path) return `${functionLabel(path, described.key)}, another package of this repository`;
  return `${functionLabel(path, described.key)}, another function of this package`;
}
