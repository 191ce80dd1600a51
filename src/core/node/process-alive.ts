/**
 * Whether a process id belongs to a running process (one this user may not signal counts as
 * running). Used to tell a lock or a temporary file of a live process from one left by a dead one.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
