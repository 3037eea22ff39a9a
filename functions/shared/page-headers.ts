/** Response headers of a self-contained page (the console, the app): it may run only its own inline script and style, and talk only to this origin. */
export function pageHeaders(
  page: { scriptHash: string; styleHash: string },
  /** The identity provider's origins (discovery and token endpoint), when it is not this one. */
  signInOrigins: readonly string[] = [],
): Record<string, string> {
  const policy = [
    "default-src 'none'",
    `script-src '${page.scriptHash}'`,
    `style-src '${page.styleHash}'`,
    // The API lives on the same origin as the page; sign-in talks to the identity provider too.
    ["connect-src 'self'", ...signInOrigins].join(" "),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": policy,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    // Revalidate on every load, so a deploy reaches every open page at its next reload.
    "cache-control": "no-cache",
  };
}
