import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import jsone from 'json-e';
import slugid from 'slugid';

/** A GitHub webhook delivery as recorded in schema/vendor/github-events/. */
export interface WebhookFixture {
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export function loadWebhook(path: string): WebhookFixture {
  return JSON.parse(readFileSync(path, 'utf8')) as WebhookFixture;
}

export type RenderedTask = Record<string, unknown> & { taskId: string; payload: Record<string, unknown> };

/**
 * Renders a `.taskcluster.yml` exactly as Taskcluster-GitHub's VersionOne does
 * (shared TASKCLUSTER.md 2.3-2.4): drop `version` and `hooks`, render with
 * JSON-e and the context {tasks_for, event, as_slugid, taskcluster_root_url}
 * (json-e adds `now`), then apply its defaults: taskId/taskGroupId, created,
 * schedulerId, and the `checks` route for `reporting: checks-v1`.
 */
export function renderLikeTaskclusterGithub(yamlText: string, tasksFor: string, event: Record<string, unknown>, rootUrl = 'https://tc.example.com'): RenderedTask[] {
  const config = load(yamlText) as Record<string, unknown>;
  const { version: _version, hooks: _hooks, ...template } = config;
  const slugs = new Map<string, string>();
  const asSlugid = (label: string): string => {
    if (!slugs.has(label)) slugs.set(label, slugid.nice());
    return slugs.get(label)!;
  };
  const rendered = jsone(template, { tasks_for: tasksFor, event, as_slugid: asSlugid, taskcluster_root_url: rootUrl }) as { tasks?: unknown };
  if (!Array.isArray(rendered.tasks)) throw new Error('tasks field of .taskcluster.yml must be array of tasks or empty array');
  const route = config.reporting === 'checks-v1' ? 'checks' : 'statuses';
  const groupId = slugid.nice();
  return (rendered.tasks as Array<Record<string, unknown>>).map((task) => {
    const many = (rendered.tasks as unknown[]).length > 1;
    const taskId = (task.taskId as string | undefined) ?? (many ? slugid.nice() : ((task.taskGroupId as string | undefined) ?? groupId));
    const routes = [...new Set([...((task.routes as string[] | undefined) ?? []), route])];
    return {
      ...task,
      taskId,
      taskGroupId: task.taskGroupId ?? taskId,
      created: task.created ?? new Date().toJSON(),
      schedulerId: task.schedulerId ?? 'taskcluster-github',
      routes,
    } as unknown as RenderedTask;
  });
}
