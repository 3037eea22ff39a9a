/** Response headers of the app page: only its own inline script and style run; it talks only to this origin. */
export function appHeaders(
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
    "cache-control": "no-cache",
  };
}
