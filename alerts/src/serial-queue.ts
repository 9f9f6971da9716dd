/**
 * Runs tasks one at a time in call order (a check and the write it leads to are not interleaved
 * with another task). A failed task rejects its own promise and does not stop the next one.
 */
export function serialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };
}
