/**
 * An HTTP server that accepts every InfluxDB write (204) and stores nothing: the sink CPU
 * benchmark runs the sink against it so InfluxDB's own CPU and its run-to-run variance stay out of
 * the figure. Started as a child process; sends its port to the parent over IPC.
 */
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.statusCode = 204;
    response.end();
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => process.exit(0));
