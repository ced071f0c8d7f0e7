/** Lambda architectures, as the API spells them. */
export type Architecture = 'x86_64' | 'arm64';

export type Priority = 'highest' | 'very-high' | 'high' | 'medium' | 'low' | 'very-low' | 'lowest';

/** A package's config as written (lambda.yml, the "lambda" object of package.json, or root `defaults`). */
export interface PackageConfigInput {
  /** Readable part of the function name (a package's own config only; not in `defaults`). */
  name?: string;
  handler?: string;
  runtime?: string;
  memory?: number;
  timeout?: number;
  environment?: Record<string, string>;
  role?: string;
  architecture?: Architecture;
  dependsOn?: string[];
  build?: string;
  pythonBuildFromSource?: boolean;
  include?: string[];
  exclude?: string[];
  checkImports?: boolean;
  alias?: string;
  allowScripts?: string[];
  /** Several functions from one package: key -> that function's settings (a package's own config only). */
  functions?: Record<string, FunctionConfigInput>;
}

/** One function of a package with `functions`, as written: handler required, the rest override the package's. */
export interface FunctionConfigInput {
  handler: string;
  memory?: number;
  timeout?: number;
  environment?: Record<string, string>;
  role?: string;
  alias?: string;
}

/** One function of a package with `functions`, after the package's settings (and through them the defaults). */
export interface FunctionConfig {
  key: string;
  handler: string;
  /** `functions.<key>.handler` in the package's config file, for the handler check's errors. */
  handlerSource: SettingSource;
  memory: number;
  timeout: number;
  /** The package's variables with this function's merged over them by name. */
  environment: Record<string, string>;
  role: string | undefined;
  alias: string | undefined;
}

/**
 * Where a setting's value came from, for messages: a config file and the
 * field in it (`handler`, `lambda.handler`, `defaults.handler`), or
 * lambda-sync's built-in default.
 */
export type SettingSource = { kind: 'file'; file: string; field: string } | { kind: 'default'; value: string };

/** A package's config after defaults: what the pipeline acts on. */
export interface PackageConfig {
  /** The package's own `name`, when it sets one: the readable part of its function name. */
  name: string | undefined;
  handler: string;
  /** Where `handler` was set; checks name it in their errors. */
  handlerSource: SettingSource;
  runtime: string;
  memory: number;
  timeout: number;
  environment: Record<string, string>;
  role: string | undefined;
  architecture: Architecture;
  /** Repository-relative, normalised, checked to exist inside the repository. */
  dependsOn: string[];
  build: string | undefined;
  /** Python: pip may build dependencies without a suitable wheel from source on this machine. */
  pythonBuildFromSource: boolean;
  include: string[] | undefined;
  exclude: string[];
  /** Follow the handler's imports through the bundle (default true). */
  checkImports: boolean;
  alias: string | undefined;
  /** Dependencies whose install scripts may run (npm rebuild after an install with scripts off). */
  allowScripts: string[];
  /** Its functions when it declares `functions` (in the file's order); undefined: the package is one function. */
  functions: FunctionConfig[] | undefined;
}

export interface TaskclusterSection {
  taskQueueId?: string;
  schedulerId?: string;
  projectId?: string;
  priority?: Priority;
  retries?: number;
  deadline?: string;
  expires?: string;
  maxRunTime?: number;
  image?: string;
  routes?: string[];
  env?: Record<string, string>;
  allTasks?: boolean;
  npmCache?: string;
  checks?: boolean;
}

export interface TreeherderSection {
  project?: string;
  groupSymbol?: string;
  platform?: string;
  tier?: number;
}

export interface AwsSection {
  secret?: string;
  deployRoleArn?: string;
  s3Bucket?: string;
}

/** lambda-sync.yml as written. */
export interface RootConfig {
  packages?: string[];
  namePrefix?: string;
  region?: string;
  /** sync deletes orphans (sync --prune). */
  prune?: boolean;
  /** The safety valve: more deletions than this in one run need --allow-mass-delete. */
  pruneMaxDeletes?: number;
  defaults?: Omit<PackageConfigInput, 'name' | 'functions'>;
  taskcluster?: TaskclusterSection;
  treeherder?: TreeherderSection;
  aws?: AwsSection;
}

export const ROOT_CONFIG_FILE = 'lambda-sync.yml';
export const PACKAGE_CONFIG_FILE = 'lambda.yml';

export const BUILTIN_PACKAGE_DEFAULTS = {
  handler: 'main.handler',
  runtime: 'nodejs24.x',
  memory: 128,
  timeout: 3,
  architecture: 'x86_64',
} as const satisfies PackageConfigInput;
