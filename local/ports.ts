import { createServer } from "node:net";
import { portHolder } from "./processes";

/** Asks the OS for a free port on 127.0.0.1 (for stand-ins that cannot listen on port 0 themselves). */
export function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error("no free port"))));
    });
  });
}

/** The error for a port something else holds, naming the holder where /proc shows it. */
export function portInUseError(port: number, service: string, cause?: string): Error {
  const holder = portHolder(port);
  const who = holder
    ? `held by pid ${holder.pid} (${holder.command.slice(0, 200)})`
    : "held by another program";
  return new Error(
    `port ${port} for ${service} is in use, ${who}${cause ? `: ${cause}` : ""}. ` +
      "Stop that program, or move the local cloud's ports (hitl dev --port-base N, or --api-port, " +
      "--dynamodb-port, --sqs-port, --stepfunctions-port; 0 picks a free one).",
  );
}

/**
 * Fails fast when `port` is taken on 127.0.0.1 or on all interfaces (DynamoDB Local binds all of
 * them): a leftover server there would otherwise answer a readiness probe.
 */
export async function assertPortFree(port: number, service: string): Promise<void> {
  for (const host of ["127.0.0.1", "0.0.0.0"]) {
    const taken = await new Promise<string | undefined>((resolveFree) => {
      const server = createServer();
      server.once("error", (error) => resolveFree(error.message));
      server.listen(port, host, () => server.close(() => resolveFree(undefined)));
    });
    if (taken !== undefined) throw portInUseError(port, service, taken);
  }
}
