// Keeps what `npm start` runs alive: a component that dies is started again, with backoff and a log line,
// while the others carry on (the API answers 503 for work that needs a missing piece and serves the rest).
import { spawn } from 'node:child_process';

const MAX_DELAY_MS = 30_000;
/** A component that stayed up this long crashed for a new reason: its backoff starts again from the first delay. */
const STEADY_MS = 60_000;

export class Supervisor {
  /**
   * @param {(message: string) => void} log
   * @param {number} firstDelayMs wait before the first restart; doubled after each failure, up to 30 s
   */
  constructor(log, firstDelayMs = 1_000) {
    this.log = log;
    this.firstDelayMs = firstDelayMs;
    this.stopping = false;
    /** @type {Map<string, import('node:child_process').ChildProcess>} */
    this.children = new Map();
    this.timers = new Set();
  }

  /** Runs `start()` (a child process) and starts it again whenever it exits, until `stopAll`. */
  keep(name, start) {
    let delay = this.firstDelayMs;
    const launch = () => {
      if (this.stopping) return;
      const startedAt = Date.now();
      const child = start();
      this.children.set(name, child);
      child.on('exit', (code, signal) => {
        if (this.stopping) return;
        if (Date.now() - startedAt > STEADY_MS) delay = this.firstDelayMs;
        this.log(`${name} exited (${signal ?? code}); starting it again in ${delay / 1000} s`);
        this.later(launch, delay);
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      });
    };
    launch();
  }

  /**
   * Watches a component that runs on its own (TorchServe daemonises itself) through `isAlive`, and runs
   * `restart` (a command line; success is exit 0) when it is gone, with backoff between failed restarts.
   */
  watch(name, isAlive, restart, everyMs = 2_000) {
    let delay = this.firstDelayMs;
    const check = () => {
      if (this.stopping) return;
      if (isAlive()) {
        delay = this.firstDelayMs;
        return this.later(check, everyMs);
      }
      this.log(`${name} is gone; starting it again in ${delay / 1000} s`);
      this.later(() => {
        if (this.stopping) return;
        const child = spawn(restart[0], restart.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
        child.on('exit', (code) => {
          if (code === 0) this.log(`${name} is back`);
          else this.log(`${name} did not start (exit ${code})`);
          this.later(check, code === 0 ? everyMs : 0);
        });
      }, delay);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    };
    this.later(check, everyMs);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
  stop(name, graceMs = 35_000) {
    const child = this.children.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  /** No restart from now on: the components are being stopped on purpose. */
  stopAll() {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
  }

  later(callback, ms) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, ms);
    this.timers.add(timer);
  }
}
