// One line per failure, and an exit code per kind of failure, so scripts can tell them apart.

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  rejected: 4,
  connection: 5,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  unexpected failure
  2  usage: bad command, option or argument (or input the server refuses)
  3  auth: no API key, a wrong one, or not allowed (run \`trade login\`)
  4  rejected: the broker refused the request (the reason is printed)
  5  connection: the server could not be reached`;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage);

interface TrpcErrorLike {
  message: string;
  data?: { code?: string; reason?: string | null; fieldErrors?: Record<string, string[]> | null } | null;
  cause?: unknown;
}

function isConnectionFailure(error: unknown): boolean {
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const text = [message, cause?.code, cause?.message].filter((part) => typeof part === "string").join(" ");
  return /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|fetch failed|socket hang up|Unable to connect/i.test(text);
}

/** Turns whatever went wrong into one clear line and its exit code. */
export function describeFailure(error: unknown, url: string): CliError {
  if (error instanceof CliError) return error;
  const trpc = error as TrpcErrorLike;
  const code = trpc.data?.code;
  if (code === undefined || code === null) {
    if (isConnectionFailure(error))
      return new CliError(`cannot reach the server at ${url} (is it running? set the URL with \`trade login --url\`)`, EXIT.connection);
    return new CliError(trpc.message ?? String(error), EXIT.failure);
  }
  if (code === "UNAUTHORIZED") return new CliError("the API key was not accepted; run `trade login` with a valid key", EXIT.auth);
  if (code === "FORBIDDEN") return new CliError(`not allowed: ${trpc.message}`, EXIT.auth);
  if (code === "INTERNAL_SERVER_ERROR" || code === "SERVICE_UNAVAILABLE")
    return new CliError(`server error: ${trpc.message}`, EXIT.failure);
  const reason = trpc.data?.reason;
  const fields = trpc.data?.fieldErrors;
  const detail =
    fields !== null && fields !== undefined
      ? Object.entries(fields)
          .map(([field, messages]) => messages.map((m) => (m.startsWith(field) ? m : `${field} ${m}`)).join(", "))
          .join("; ")
      : trpc.message;
  // Input the server's schemas refused (no trading rule involved) is a usage mistake, not a rejection.
  if (code === "BAD_REQUEST" && (reason === null || reason === undefined)) return new CliError(`invalid request: ${detail}`, EXIT.usage);
  return new CliError(`rejected${reason !== null && reason !== undefined ? ` (${reason})` : ""}: ${detail}`, EXIT.rejected);
}
