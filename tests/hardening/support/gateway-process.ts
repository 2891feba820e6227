/**
 * A gateway alone in its own process, for measurements that the test's own clients must not
 * disturb (the soak's resident memory). Run with `node --expose-gc --import tsx`; argv[2] is the
 * upstream URL, argv[3] the session limit in seconds. Speaks over the IPC channel:
 * → {type:'listening', port}; ← {type:'memory'} → {type:'memory', rss, heapUsed, external, sessions};
 * ← {type:'stall', ms} → blocks its event loop that long (a GC pause, CPU starvation) → {type:'stalled'};
 * ← {type:'stop'} → exits 0 after a shutdown.
 */
import { createLogger } from '../../../gateway/node/log.js';
import { createGateway } from '../../../gateway/server/gateway.js';
import { createUnlimitedAdmission } from '../../../gateway/server/unlimited-admission.js';
import { testConfig } from '../../support/gateway-harness.js';
import { createMemoryRetriever, NORTHWIND_PASSAGES } from '../../support/memory-retriever.js';

/** Messages this process sends to its parent. */
export type GatewayProcessMessage =
  | { type: 'listening'; port: number }
  | { type: 'memory'; rss: number; heapUsed: number; external: number; sessions: number }
  | { type: 'stalled' };

const [upstreamUrl, limitSeconds] = process.argv.slice(2);
if (!upstreamUrl || !process.send) throw new Error('usage: node --expose-gc --import tsx gateway-process.ts UPSTREAM_URL SECONDS (with an IPC channel)');
const seconds = Number(limitSeconds ?? 3600);
const config = testConfig({ site: { limits: { max_session_seconds: seconds, idle_seconds: seconds } } });
const gateway = createGateway({
  getConfig: () => config,
  admission: createUnlimitedAdmission(),
  getRetriever: () => createMemoryRetriever(NORTHWIND_PASSAGES),
  logger: createLogger({ level: 'warn' }),
  upstreamUrls: { aoai: upstreamUrl },
});
const { port } = await gateway.listen();
const send = (message: GatewayProcessMessage) => process.send!(message);
send({ type: 'listening', port });

const collect = globalThis.gc;
process.on('message', (message: { type?: string; ms?: number }) => {
  if (message.type === 'memory') {
    // Garbage not yet collected is not resident growth: collect fully first.
    for (let i = 0; i < 3; i++) collect?.();
    const usage = process.memoryUsage();
    send({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external, sessions: gateway.sessions });
  } else if (message.type === 'stall') {
    const until = Date.now() + (message.ms ?? 0);
    while (Date.now() < until) {
      // Busy: nothing else runs in this process meanwhile, as in a long GC pause.
    }
    send({ type: 'stalled' });
  } else if (message.type === 'stop') {
    void gateway.shutdown(0).then(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
