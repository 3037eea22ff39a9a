// A watchdog between the local cloud and a child program (DynamoDB Local's JVM): it runs the
// program and ends it when the local cloud goes away, however it goes (exit, crash, SIGKILL),
// because the IPC channel to its parent closes then. Plain JavaScript, so any Node runs it.
//
// Started by local/watched-process.ts as `node watchdog.mjs GRACE_MS COMMAND [ARGS...]` with an IPC
// channel, in a process group of its own that the program shares: a SIGKILL of the terminal's group
// does not reach them, and the local cloud stops both by signalling that group.
import { spawn } from "node:child_process";
import { constants } from "node:os";

const [grace, command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
let ending = false;

/** SIGTERM the program, then SIGKILL it if it is still there after the grace period. */
function end() {
  if (ending) return;
  ending = true;
  child.kill("SIGTERM");
  setTimeout(() => child.kill("SIGKILL"), Number(grace)).unref();
}

child.once("spawn", () => {
  if (process.connected) process.send({ pid: child.pid });
});
child.once("error", (error) => {
  if (process.connected) process.send({ error: error.message });
  process.exit(127);
});
child.once("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
process.once("disconnect", end);
for (const name of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(name, end);
