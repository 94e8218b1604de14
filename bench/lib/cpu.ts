/**
 * CPU time of the processes in a measurement, read from /proc, to tell which side of a run was the limit (the
 * companion's core, or the database and load generator sharing the other). Linux only; elsewhere every reading
 * is null and the report leaves the column out.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let hz: number | null | undefined;
function clockTicks(): number | null {
  if (hz === undefined) {
    try {
      hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || null;
    } catch {
      hz = null;
    }
  }
  return hz;
}

/**
 * utime + stime of one process in seconds, the same of its children that have exited and been waited for
 * (cutime + cstime), and its parent's pid; null when it is gone or there is no /proc.
 */
function stat(pid: number): { cpu: number; reaped: number; ppid: number } | null {
  const t = clockTicks();
  if (!t) return null;
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted from after its closing one.
    const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return { cpu: (Number(f[11]) + Number(f[12])) / t, reaped: (Number(f[13]) + Number(f[14])) / t, ppid: Number(f[1]) };
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by a process and every direct child of it (PostgreSQL's backends), those that have
 * exited too: a pool closing an idle connection ends its backend, whose time would otherwise drop out of the sum.
 */
export function treeCpu(pid: number): number | null {
  const own = stat(pid);
  if (!own) return null;
  let sum = own.cpu + own.reaped;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s && s.ppid === pid) sum += s.cpu;
  }
  return sum;
}

export function processCpu(pid: number): number | null {
  return stat(pid)?.cpu ?? null;
}

/** CPU seconds used so far by this process (the load generator). */
export function selfCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
