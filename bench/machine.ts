/** The machine a run happened on, and how busy it was while a phase ran. */
import { readdirSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";

export function machine() {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export interface CpuSample {
  /** Cores this Node process used on average (main thread, the Lambda worker threads, the SQS stand-in). */
  processCores: number;
  /** Cores the whole machine used (this process, DynamoDB Local's JVM, and anything else running). */
  machineCores: number;
  /** Share of wall time the main thread's event loop was busy (HTTP API, Step Functions, SQS, the client). */
  mainThreadBusy: number;
  /** Cores by thread group of this process and by child process (Linux only; empty elsewhere). */
  byGroup: Record<string, number>;
  /** Cores the rest of the machine used: other people's jobs make a run slower than it should be. */
  otherCores: number;
}

/** Linux clock ticks per second (USER_HZ), 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

const GROUPS: Readonly<Record<string, string>> = {
  MainThread: "main thread (HTTP API, Step Functions, SQS stand-in, pollers, this client)",
  WorkerThread: "worker threads (Lambda handlers)",
  "libuv-worker": "libuv pool (crypto, fs)",
  V8Worker: "V8 helpers (GC, compiler)",
  DelayedTaskSche: "V8 helpers (GC, compiler)",
};

/** utime + stime in ticks from a /proc stat line (fields 14 and 15, counted after the command). */
export function statTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
};

/** CPU ticks by group: this process's threads by name, child processes (DynamoDB Local's JVM) by command. */
export function ticksByGroup(pid = process.pid): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (group: string, ticks: number) => {
    if (Number.isFinite(ticks)) out[group] = (out[group] ?? 0) + ticks;
  };
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  const children: string[] = [];
  for (const tid of tasks) {
    const comm = read(`/proc/${pid}/task/${tid}/comm`)?.trim() ?? "?";
    const stat = read(`/proc/${pid}/task/${tid}/stat`);
    if (stat) add(GROUPS[comm] ?? `other threads (${comm})`, statTicks(stat));
    children.push(...(read(`/proc/${pid}/task/${tid}/children`) ?? "").split(" ").filter(Boolean));
  }
  for (const child of children) {
    const stat = read(`/proc/${child}/stat`);
    const comm = read(`/proc/${child}/comm`)?.trim() ?? "?";
    if (stat)
      add(comm === "java" ? "DynamoDB Local (JVM process)" : `child process ${comm}`, statTicks(stat));
  }
  return out;
}

function machineTimes() {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const t = cpu.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    total += all;
    busy += all - t.idle;
  }
  return { busy, total };
}

/** Cores the benchmark itself used: this process's threads and its child processes (the JVM). */
export const ownCores = (sample: CpuSample): number => {
  const groups = Object.values(sample.byGroup);
  return groups.length > 0 ? groups.reduce((s, v) => s + v, 0) : sample.processCores;
};

/** CPU milliseconds per event: a cost that other people's jobs on the machine change much less than a rate. */
export const cpuMsPer = (sample: CpuSample, eventsPerSecond: number): number =>
  eventsPerSecond > 0 ? (ownCores(sample) * 1000) / eventsPerSecond : Number.NaN;

/** Starts measuring; the returned function gives the averages since. */
export function cpuMeter(): () => CpuSample {
  const cpu0 = process.cpuUsage();
  const m0 = machineTimes();
  const elu0 = performance.eventLoopUtilization();
  const groups0 = ticksByGroup();
  const t0 = performance.now();
  return () => {
    const elapsedMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const m1 = machineTimes();
    const cores = cpus().length;
    const totalDelta = m1.total - m0.total;
    const byGroup: Record<string, number> = {};
    for (const [group, ticks] of Object.entries(ticksByGroup())) {
      const cores = (ticks - (groups0[group] ?? 0)) / TICKS_PER_SECOND / (elapsedMs / 1000);
      if (cores >= 0.005) byGroup[group] = cores;
    }
    const ours = Object.values(byGroup).reduce((s, v) => s + v, 0);
    return {
      byGroup,
      otherCores: Math.max(0, (totalDelta > 0 ? ((m1.busy - m0.busy) / totalDelta) * cores : 0) - ours),
      processCores: elapsedMs > 0 ? (cpu.user + cpu.system) / 1000 / elapsedMs : Number.NaN,
      machineCores: totalDelta > 0 ? ((m1.busy - m0.busy) / totalDelta) * cores : Number.NaN,
      mainThreadBusy: performance.eventLoopUtilization(elu0).utilization,
    };
  };
}
