import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceName } from './endpoints';
import { isAlive } from './process-supervisor';
import type { Log } from './run-command';

/**
 * Cross-process coordination under the data dir, so that several test runs (or a test run and
 * `infra:up`) can share the servers:
 * - a lock (`.infra.lock/`, made with an atomic mkdir) around starting and stopping;
 * - leases (`leases/<id>.json`): a test run holds one while it uses the servers, and the servers
 *   a test run started are stopped only when no other live lease still uses them.
 */

const LOCK_TIMEOUT_MS = 20 * 60_000;

function lockOwner(lockDir: string): number | undefined {
  try {
    const owner = JSON.parse(readFileSync(join(lockDir, 'owner.json'), 'utf8')) as { pid?: unknown };
    return typeof owner.pid === 'number' ? owner.pid : undefined;
  } catch {
    return undefined;
  }
}

export async function withInfraLock<T>(dataDir: string, log: Log, fn: () => Promise<T>): Promise<T> {
  const lockDir = join(dataDir, '.infra.lock');
  mkdirSync(dataDir, { recursive: true });
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  let told = false;
  let ownerless = 0;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'owner.json'), JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = lockOwner(lockDir);
    // No owner file for a while (a crash between mkdir and write), or a dead owner: stale.
    ownerless = owner === undefined ? ownerless + 1 : 0;
    if ((owner !== undefined && !isAlive(owner)) || ownerless > 20) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!told && owner !== undefined) {
      log(`infra: waiting for another process (pid ${owner}) that is starting or stopping the servers`);
      told = true;
    }
    if (Date.now() > deadline) throw new Error(`infra: timed out waiting for the lock ${lockDir}`);
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Removes the lock if this process holds it (for a process exiting on a signal). */
export function releaseLockIfOwned(dataDir: string): void {
  const lockDir = join(dataDir, '.infra.lock');
  if (lockOwner(lockDir) === process.pid) rmSync(lockDir, { recursive: true, force: true });
}

export interface Lease {
  id: string;
  file: string;
  services: ServiceName[];
}

interface LeaseRecord {
  pid: number;
  services: ServiceName[];
  createdAt: string;
}

const leaseDir = (dataDir: string) => join(dataDir, 'leases');

export function acquireLease(dataDir: string, services: readonly ServiceName[]): Lease {
  const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const file = join(leaseDir(dataDir), `${id}.json`);
  mkdirSync(leaseDir(dataDir), { recursive: true });
  const record: LeaseRecord = { pid: process.pid, services: [...services], createdAt: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(record));
  return { id, file, services: [...services] };
}

export function releaseLease(lease: Lease): void {
  rmSync(lease.file, { force: true });
}

/** Services used by live leases other than `exceptId` (stale leases of dead processes are removed). */
export function servicesLeasedByOthers(dataDir: string, exceptId?: string): Set<ServiceName> {
  const held = new Set<ServiceName>();
  let files: string[];
  try {
    files = readdirSync(leaseDir(dataDir));
  } catch {
    return held;
  }
  for (const name of files) {
    if (!name.endsWith('.json') || name === `${exceptId}.json`) continue;
    const path = join(leaseDir(dataDir), name);
    try {
      const record = JSON.parse(readFileSync(path, 'utf8')) as LeaseRecord;
      if (!isAlive(record.pid)) {
        rmSync(path, { force: true });
        continue;
      }
      for (const service of record.services) held.add(service);
    } catch {
      rmSync(path, { force: true });
    }
  }
  return held;
}
