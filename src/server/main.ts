import { ConfigError, loadConfig } from './config.js';
import { buildApp } from './app.js';

/** Starts Agora: reads the environment, listens, and closes cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`agora: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const { app } = await buildApp(config);
  const close = async (signal: string) => {
    // Drain first (http/drain.ts): not ready, connections closed after each response, then stop listening, end the
    // live streams (readers resume on another node), finish in-flight requests and close the database.
    app.log.info({ signal, drainMs: config.drainMs }, 'draining');
    app.drain();
    await new Promise((r) => setTimeout(r, config.drainMs));
    app.log.info('shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  // Where the data is, so an operator sees at once which database a node opened (a wrong DATABASE_URL shows here).
  const store = config.databaseUrl ? `PostgreSQL ${new URL(config.databaseUrl).host}` : `SQLite in ${config.dataDir}`;
  app.log.info(`Agora${config.seedDemo ? ' demo' : ''}: ${config.publicUrl}/  (listening on ${config.host}:${config.port}, ${store})`);
}

main().catch((err: unknown) => {
  process.stderr.write(`agora: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  if (err instanceof Error && err.cause) process.stderr.write(`  cause: ${String(err.cause)}\n`);
  process.exit(1);
});
