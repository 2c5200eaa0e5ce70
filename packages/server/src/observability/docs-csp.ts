/**
 * The Content-Security-Policy of the documentation pages: everything from this server, nothing from anywhere else.
 * ReDoc's "Redocly" logo from its CDN is taken out of the bundle it is served (redoc.ts); this policy keeps any later
 * version of either viewer from reaching a CDN or a font service unnoticed. Styles are
 * inline because both viewers inject them at run time; ReDoc's search runs in a worker built from a blob.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
].join("; ");
