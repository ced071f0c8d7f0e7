import { loadConfigSchema } from './validate.js';

interface SchemaNode {
  type?: string;
  enum?: unknown[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  additionalProperties?: SchemaNode | boolean;
}

function typeOf(node: SchemaNode): string {
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(', ');
  if (node.type === 'array') return `list of ${node.items?.type ?? 'values'}`;
  if (node.type === 'integer' && node.minimum !== undefined && node.maximum !== undefined) return `integer ${node.minimum}-${node.maximum}`;
  if (node.type === 'object' && typeof node.additionalProperties === 'object') return `map of ${node.additionalProperties.type ?? 'values'}`;
  return node.type ?? 'any';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function rows(properties: Record<string, SchemaNode>, prefix: string, expand: (key: string) => boolean): string[] {
  return Object.entries(properties).flatMap(([key, node]) => {
    if (key === '$schema') return [];
    const name = `${prefix}${key}`;
    if (node.type === 'object' && node.properties && expand(key)) {
      return [`| \`${name}\` | section | ${cell(node.description ?? '')} |`, ...rows(node.properties, `${name}.`, () => true)];
    }
    const entry = node.additionalProperties;
    if (node.type === 'object' && typeof entry === 'object' && entry.properties && expand(key)) {
      // A map of sections (`functions`): one row per key of each entry, under `<name>.<key>.`.
      return [`| \`${name}\` | map of sections | ${cell(node.description ?? '')} |`, ...rows(entry.properties, `${name}.<key>.`, () => true)];
    }
    return [`| \`${name}\` | ${cell(typeOf(node))} | ${cell(node.description ?? '')} |`];
  });
}

/**
 * The configuration reference of README.md, generated from the shipped JSON
 * Schemas so that the documentation cannot drift from what is validated
 * (a test compares the README's block with this output).
 */
export function configReferenceMarkdown(): string {
  const root = loadConfigSchema('lambda-sync') as SchemaNode;
  const pkg = loadConfigSchema('lambda') as SchemaNode;
  const header = ['| key | type | meaning |', '| --- | --- | --- |'];
  return [
    '### `lambda-sync.yml` (optional, at the repository root)',
    '',
    ...header,
    ...rows(root.properties ?? {}, '', (key) => key !== 'defaults'),
    '',
    '### Package settings (`lambda.yml`, or the `"lambda"` object of the package\'s `package.json`; not both)',
    '',
    ...header,
    ...rows(pkg.properties ?? {}, '', () => true),
    '',
  ].join('\n');
}
