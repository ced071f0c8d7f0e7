/**
 * The `.taskcluster.yml` that starts lambda-sync's decision task, as
 * Taskcluster-GitHub renders it (version 1, JSON-e with `tasks_for`, `event`,
 * `as_slugid`, `taskcluster_root_url` and json-e's own `now`).
 *
 * - push to the deploy branch: a decision task in deploy mode, with the
 *   branch role `assume:repo:<host>/<owner>/<repo>:branch:<branch>`;
 * - pull request (opened, synchronize, reopened) by a collaborator: a
 *   decision task in check mode with the `:pull-request` role, whose tasks
 *   only bundle (no secret, no AWS), given the base commit
 *   (`--base pull_request.base.sha`) so that only changed packages get one;
 * - anything else (other branches, tags, deleted branches, releases): no task.
 */
export interface TaskclusterYmlOptions {
  /** Deploy branch; undefined: the repository's default branch, read from the event. */
  branch?: string;
  /** Image of the decision task; keep it equal to `taskcluster.image` in lambda-sync.yml. */
  image: string;
  /** Worker pool of the decision task (`<provisionerId>/<workerType>`). */
  taskQueueId: string;
  /** Treeherder project for the decision task's route; undefined: no Treeherder route. */
  treeherderProject?: string;
}

/** Where the decision writes its artifacts inside the image; published as `public/`. */
export const DECISION_ARTIFACTS_DIR = '/home/node/artifacts';

export function renderTaskclusterYml(options: TaskclusterYmlOptions): string {
  const branchExpr = options.branch === undefined ? '${event.repository.default_branch}' : options.branch;
  const q = (value: string): string => JSON.stringify(value);
  // Pull requests get no Treeherder route: Treeherder only ingests pushes it knows.
  const routes = options.treeherderProject
    ? `
            routes:
              $if: 'mode == "deploy"'
              then: ['tc-treeherder.v2.${options.treeherderProject}.\${head}']
              else: []`
    : `
            routes: []`;
  return `# Starts lambda-sync's decision task (written by \`lambda-sync init\`).
# Taskcluster-GitHub renders this file with JSON-e for every GitHub event:
#   push to the deploy branch -> decision task in deploy mode
#   pull request              -> decision task in check mode (bundles only, no AWS),
#                                checking only the packages the pull request changes
#   anything else             -> nothing
# The decision task clones the repository at the event's revision, finds the
# packages and their revisions, and creates one check-and-deploy task per
# package with work in its own task group. Its scopes come from the repository's roles:
#   assume:repo:github.com/<owner>/<repo>:branch:<deploy branch>   (pushes)
#   assume:repo:github.com/<owner>/<repo>:pull-request             (pull requests)
# See README.md, "Setting it up on Taskcluster", for what those roles must grant.
version: 1
reporting: checks-v1
policy:
  pullRequests: collaborators
tasks:
  $let:
    deployBranch: ${q(branchExpr)}
    image: ${q(options.image)}
    taskQueueId: ${q(options.taskQueueId)}
  in:
    $let:
      mode:
        $if: 'tasks_for == "github-push"'
        then:
          $if: 'event.ref == "refs/heads/" + deployBranch && !(event.deleted)'
          then: deploy
          else: none
        else:
          $if: 'tasks_for == "github-pull-request" && event.action in ["opened", "synchronize", "reopened"]'
          then: check
          else: none
    in:
      $if: 'mode == "none"'
      then: []
      else:
        $let:
          head:
            $if: 'mode == "deploy"'
            then: '\${event.after}'
            else: '\${event.pull_request.head.sha}'
          repoUrl: '\${event.repository.html_url}'
          owner:
            $if: 'mode == "deploy"'
            then:
              $if: 'event.pusher.email'
              then: '\${event.pusher.email}'
              else: '\${event.pusher.name}@users.noreply.github.com'
            else: '\${event.pull_request.user.login}@users.noreply.github.com'
          role:
            $if: 'mode == "deploy"'
            then: 'assume:repo:github.com/\${event.repository.full_name}:branch:\${deployBranch}'
            else: 'assume:repo:github.com/\${event.repository.full_name}:pull-request'
        in:
          - taskId: {$eval: 'as_slugid("decision")'}
            taskGroupId: {$eval: 'as_slugid("decision")'}
            schedulerId: taskcluster-github
            taskQueueId: {$eval: taskQueueId}
            created: {$fromNow: ''}
            deadline: {$fromNow: '1 day'}
            expires: {$fromNow: '1 year'}
            priority: lowest
            retries: 5
            scopes: ['\${role}']${routes}
            metadata:
              name: Lambda-sync Decision Task
              description: 'Check and deploy the Lambda packages of \${event.repository.full_name} at \${head} (\${mode} mode)'
              owner: '\${owner}'
              source: '\${repoUrl}/commit/\${head}'
            tags:
              kind: decision-task
              mode: '\${mode}'
            payload:
              image: {$eval: image}
              command:
                - decision
                - --repo-url
                - '\${repoUrl}'
                - --revision
                - '\${head}'
                - --mode
                - '\${mode}'
                - --owner
                - '\${owner}'
                - $if: 'mode == "check"'
                  then: --base
                - $if: 'mode == "check"'
                  then: '\${event.pull_request.base.sha}'
                - --artifacts
                - ${DECISION_ARTIFACTS_DIR}
              maxRunTime: 1800
              features:
                taskclusterProxy: true
              artifacts:
                public:
                  type: directory
                  path: ${DECISION_ARTIFACTS_DIR}
                  expires: {$fromNow: '1 year'}
            extra:
              treeherder:
                symbol: D
                jobKind: other
                tier: 1
                machine:
                  platform: lambda
`;
}
