/** How a package setting is named in its config file: `include` in lambda.yml, `lambda.include` in package.json. */
export function configField(pkg: { configFile: string }, name: string): string {
  return pkg.configFile.endsWith('package.json') ? `lambda.${name}` : name;
}
