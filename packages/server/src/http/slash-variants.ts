/**
 * A path and its twin with the trailing slash toggled: the original service's clients call `/api/auth/login/`
 * and `/api/prompts`, and either spelling must work wherever the plugin is mounted (Fastify's
 * `ignoreTrailingSlash` is a server option a plugin cannot set). The twin is hidden from the API docs.
 */
export function slashVariants<Schema extends object>(
  path: string,
  schema: Schema,
): Array<{ url: string; schema: Schema }> {
  const twin = path.endsWith("/") ? path.slice(0, -1) : `${path}/`;
  return [
    { url: path, schema },
    { url: twin, schema: { ...schema, hide: true } },
  ];
}
