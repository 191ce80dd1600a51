/** The machine a bench runs on, printed at the start so that a loaded machine is visible. */
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  /** 1, 5 and 15-minute load averages when the bench started. */
  readonly loadAverage: readonly number[];
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30 * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Prints the bench title, the machine and the load (with a warning when the cores are busy). */
export function printHeader(title: string, extraLines: readonly string[] = []): MachineInfo {
  const m = machineInfo();
  console.log(title);
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; node ${m.node} (V8 ${m.v8}), ${m.platform}`);
  const busy = m.loadAverage[0] >= 0.5 ? `  <- LOADED: about ${m.loadAverage[0].toFixed(1)} of ${m.cores} cores busy before the bench started; timings are pessimistic` : '';
  console.log(`load average at start (1/5/15 min): ${m.loadAverage.map((x) => x.toFixed(2)).join(' ')}${busy}`);
  for (const line of extraLines) console.log(line);
  console.log('');
  return m;
}
