/**
 * The Content-Security-Policy of the documentation pages: everything from this server, nothing from anywhere else.
 * ReDoc renders a "Redocly" logo from its CDN that no option turns off; this policy stops the browser from fetching
 * it, and keeps any later version of either viewer from reaching a CDN or a font service unnoticed. Styles are
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
