import { captureOutput } from './run-command';

export type Tool = 'java' | 'mvn' | 'go' | 'rustc' | 'cargo' | 'gcc';

export interface Requirement {
  tool: Tool;
  /** Lowest major (java) or minor-of-1.x (go, rustc) version accepted; mvn: any 3.x+; cargo, gcc: any (0). */
  minVersion: number;
  /** Why it is needed, e.g. "to run Kafka". */
  reason: string;
}

export class MissingPrerequisiteError extends Error {
  override name = 'MissingPrerequisiteError';
}

const HOW_TO_INSTALL: Record<Tool, string> = {
  java:
    'install a Java {v}+ runtime, e.g. `apt-get install openjdk-{v}-jre-headless` (Debian/Ubuntu), ' +
    '`brew install openjdk@{v}` (macOS) or any JDK {v}+ on your PATH (or set JAVA_HOME)',
  mvn: 'install Apache Maven 3.6+, e.g. `apt-get install maven` (Debian/Ubuntu) or `brew install maven` (macOS)',
  go: 'install Go 1.{v}+, e.g. `apt-get install golang` (Debian/Ubuntu, if recent enough) or `brew install go` (macOS)',
  rustc: 'install Rust 1.{v}+ (rustc and cargo), e.g. with rustup (https://rustup.rs) or `apt-get install rustc cargo` (if recent enough)',
  cargo: 'install Rust (rustc and cargo), e.g. with rustup (https://rustup.rs) or `apt-get install rustc cargo` (if recent enough)',
  gcc: 'install a C compiler for cgo, e.g. `apt-get install gcc` (Debian/Ubuntu) or `xcode-select --install` (macOS)',
};

/** The java binary: `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` from PATH. */
export function javaCommand(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.JAVA_HOME?.trim();
  return home ? `${home.replace(/\/+$/, '')}/bin/java` : 'java';
}

async function probe(tool: Tool): Promise<{ found: boolean; version?: number; text?: string }> {
  switch (tool) {
    case 'java': {
      const out = await captureOutput(javaCommand(), ['-version']);
      if (out === undefined) return { found: false };
      // 'openjdk version "17.0.15"', 'java version "1.8.0_392"', 'openjdk version "21" 2023-09-19'
      const match = /version "(\d+)(?:\.(\d+))?/.exec(out);
      const major = match?.[1] === '1' ? Number(match[2]) : Number(match?.[1]);
      return { found: true, version: major, text: out.split('\n')[0] };
    }
    case 'mvn': {
      const out = await captureOutput('mvn', ['-v']);
      if (out === undefined) return { found: false };
      const match = /Apache Maven (\d+)/.exec(out);
      return { found: true, version: Number(match?.[1] ?? 0), text: out.split('\n')[0] };
    }
    case 'go': {
      const out = await captureOutput('go', ['version']);
      if (out === undefined) return { found: false };
      const match = /go1\.(\d+)/.exec(out);
      return { found: true, version: Number(match?.[1] ?? 0), text: out.trim() };
    }
    case 'rustc': {
      // 'rustc 1.95.0 (59807616e 2026-04-14)'
      const out = await captureOutput('rustc', ['--version']);
      if (out === undefined) return { found: false };
      const match = /rustc 1\.(\d+)/.exec(out);
      return { found: true, version: Number(match?.[1] ?? 0), text: out.trim() };
    }
    case 'cargo':
    case 'gcc': {
      // cgo compiles with $CC when set (as `go env CC` does), else gcc.
      const command = tool === 'gcc' ? process.env.CC?.trim() || 'gcc' : tool;
      const out = await captureOutput(command, ['--version']);
      return out === undefined ? { found: false } : { found: true, text: out.split('\n')[0] };
    }
  }
}

const cache = new Map<Tool, Promise<{ found: boolean; version?: number; text?: string }>>();

/**
 * Checks every requirement; throws one {@link MissingPrerequisiteError} listing all that are
 * missing or too old, each with what to install.
 */
export async function checkPrerequisites(requirements: readonly Requirement[]): Promise<void> {
  const byTool = new Map<Tool, { minVersion: number; reasons: string[] }>();
  for (const requirement of requirements) {
    const entry = byTool.get(requirement.tool) ?? { minVersion: 0, reasons: [] };
    entry.minVersion = Math.max(entry.minVersion, requirement.minVersion);
    if (!entry.reasons.includes(requirement.reason)) entry.reasons.push(requirement.reason);
    byTool.set(requirement.tool, entry);
  }
  const problems: string[] = [];
  for (const [tool, { minVersion, reasons }] of byTool) {
    let pending = cache.get(tool);
    if (pending === undefined) {
      pending = probe(tool);
      cache.set(tool, pending);
    }
    const found = await pending;
    const how = HOW_TO_INSTALL[tool].replaceAll('{v}', String(minVersion));
    const why = reasons.join(', ');
    if (!found.found) {
      problems.push(`- \`${tool}\` was not found (needed ${why}): ${how}`);
    } else if (found.version !== undefined && found.version < minVersion) {
      problems.push(`- \`${tool}\` is too old (${found.text}; needed ${why}): ${how}`);
    }
  }
  if (problems.length > 0) {
    throw new MissingPrerequisiteError(`missing prerequisites for the local infrastructure:\n${problems.join('\n')}`);
  }
}
