/** A problem the caller can fix; `status` is the HTTP status it maps to. */
export class DomainError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422,
    readonly code: string,
    message: string,
    readonly details?: readonly { path: string; message: string }[],
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const validationFailed = (what: string, details: readonly { path: string; message: string }[]) =>
  new DomainError(
    400,
    "validation_failed",
    `${what} is invalid: ${details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join("; ")}`,
    details,
  );

export const notFound = (what: string, id: string) =>
  new DomainError(404, "not_found", `${what} "${id}" does not exist`);

export const conflict = (code: string, message: string) => new DomainError(409, code, message);
