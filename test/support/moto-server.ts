// moto's server (`moto_server`, Python) as a second emulator for DynamoDB and SQS: started on a free
// port of 127.0.0.1 for one test run, stopped at its end (and with the test process, however it ends).
import { createServer } from "node:net";
import { spawnWatched } from "../../local/watched-process";

export interface MotoServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    // moto's own API: answers once the server is up, whatever services it serves.
    return (await fetch(`${endpoint}/moto-api/data.json`)).ok;
  } catch {
    return false;
  }
}

export async function startMotoServer(
  command = process.env.HITL_MOTO_SERVER ?? "moto_server",
): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Under the local cloud's watchdog: moto goes when this process goes, even by SIGKILL.
  const server = await spawnWatched(command, ["-H", "127.0.0.1", "-p", String(port)], {
    graceMs: 2_000,
  }).catch((error: unknown) => {
    throw new Error(
      `${command} could not start (${error instanceof Error ? error.message : String(error)}); moto 5 provides it: pip install "moto[server]"`,
    );
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answers(endpoint))) {
    const ended = server.ended();
    if (ended) throw new Error(`${command} ended (${ended}): ${server.output()}`);
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(
        `${command} did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s: ${server.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { endpoint, stop: () => server.stop() };
}
