import { loadScenarioFile } from './adapters/scenario-file';
import { startProgressDisplay } from './adapters/progress-display';
import { type SimulationSummary, startSimulation } from './app';
import { parseCommandLine, USAGE } from './config';
import { SimulatorError } from './errors';
import { formatSummary } from './format';

/** Composition root of the CLI: the only place that reads argv, touches stdout and handles signals. */
async function main(): Promise<number> {
  const command = parseCommandLine(process.argv.slice(2));
  if (command.help) {
    console.log(USAGE);
    return 0;
  }
  const scenario = command.scenarioPath ? await loadScenarioFile(command.scenarioPath) : undefined;
  const simulation = startSimulation({ ...command.options, scenario });
  const { options } = simulation;
  const what = scenario
    ? `scenario ${command.scenarioPath} (${simulation.vehicleIds.length} vehicles, ${options.replay})`
    : `${simulation.vehicleIds.length} vehicles at ${options.ratePerSec} Hz, seed ${options.seed}`;
  const over = options.connections ? ` over ${options.connections} shared connections` : '';
  console.log(`fleet-sim: ${what} → ${options.brokerUrl}${over}, QoS ${options.qos}. Ctrl-C stops.`);

  const progress = command.quiet ? undefined : startProgressDisplay(process.stdout, simulation.stats, options.qos);
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130); // a second Ctrl-C does not wait for the drain
    signalled = true;
    progress?.stop();
    console.log(`\n${signal}: stopping, waiting up to ${options.drainTimeoutMs} ms for outstanding acknowledgements…`);
    void simulation.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const summary = await simulation.done;
  progress?.stop();
  console.log(formatSummary(summary, options.qos));
  for (const hint of hintsFor(summary, options.brokerUrl)) console.log(hint);
  return summary.sent === 0 && summary.errors > 0 ? 1 : 0;
}

function hintsFor(summary: SimulationSummary, brokerUrl: string): string[] {
  const kinds = Object.keys(summary.errorsByKind).join(' ');
  const hints: string[] = [];
  if (kinds.includes('EMFILE')) {
    hints.push('hint: out of file descriptors; raise `ulimit -n` or use --connections K to share fewer sockets.');
  }
  if (kinds.includes('EADDRNOTAVAIL')) hints.push('hint: out of local ports; use --connections K for very large fleets.');
  if (kinds.includes('ECONNREFUSED')) hints.push(`hint: nothing accepts connections at ${brokerUrl}; is the bridge or a broker running?`);
  if (/not authori[sz]ed|bad user ?name or password/i.test(kinds)) {
    hints.push('hint: the broker refused the credentials; check --username / --password-template (multiplexed mode cannot authenticate as each vehicle).');
  }
  return hints;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof SimulatorError && !error.retriable) console.error(`${error.message}\n[${error.code}]`);
    else console.error('fleet-sim failed:', error);
    process.exit(error instanceof SimulatorError && error.code === 'CONFIG_INVALID' ? 2 : 1);
  },
);
