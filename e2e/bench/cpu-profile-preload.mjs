// Loaded with NODE_OPTIONS="--import <this file>" when BENCH_CPU_PROF=1 (node refuses --cpu-prof in
// NODE_OPTIONS): profiles the whole process and writes a .cpuprofile to BENCH_CPU_PROF_DIR on exit.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, join } from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // A same-thread inspector session answers synchronously, so this runs before the process ends.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      const name = `${basename(process.cwd())}-${process.pid}.cpuprofile`;
      writeFileSync(join(dir, name), JSON.stringify(result.profile));
    });
  });
}
