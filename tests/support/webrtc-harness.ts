/**
 * A gateway with a `transport: webrtc` site, for tests of the `webrtc` extension: the calls
 * double answers offers, the scripted upstream is the sideband, and the widget stand-in opens
 * the control socket and posts its offer like the widget does.
 */
import { CallsDouble } from './webrtc-calls-double.js';
import { createLogCapture, testConfig, TEST_ORIGIN, type HarnessOptions } from './gateway-harness.js';
import { createMemoryRetriever, NORTHWIND_PASSAGES } from './memory-retriever.js';
import { ScriptedUpstream } from './scripted-upstream.js';
import { WidgetClient } from './widget-client.js';
import { createLogger } from '../../gateway/node/log.js';
import { createGateway, type Gateway } from '../../gateway/server/gateway.js';
import { createUnlimitedAdmission } from '../../gateway/server/unlimited-admission.js';
import type { Admission } from '../../gateway/limits/types.js';
import { createAdmission, createMemoryStore } from '../../gateway/limits/index.js';
import { systemClock } from '../../gateway/clock.js';
import type { ViolationReason } from '../../gateway/webrtc/call-guard.js';

/** One million audio tokens each way: far more than a 1 USD daily budget at any audio price. */
export const BUDGET_BREAKING_USAGE = {
  total_tokens: 2_000_000,
  input_tokens: 1_000_000,
  output_tokens: 1_000_000,
  input_token_details: { text_tokens: 0, audio_tokens: 1_000_000, cached_tokens: 0 },
  output_token_details: { text_tokens: 0, audio_tokens: 1_000_000 },
};

export const OFFER_SDP = 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=offer\r\n';

export interface WebrtcHarness {
  gateway: Gateway;
  port: number;
  calls: CallsDouble;
  upstream: ScriptedUpstream;
  admission: ReturnType<typeof createUnlimitedAdmission>;
  logs: ReturnType<typeof createLogCapture>;
  violations: Array<{ site: string; reason: ViolationReason }>;
  unclaimed: string[];
  /** Opens a `transport=webrtc` control socket. */
  control(extraQuery?: string): Promise<WidgetClient>;
  /** Posts an SDP offer for a ticket, as the widget does. */
  offer(ticket: string, init?: { origin?: string; signal?: AbortSignal; site?: string; body?: string }): Promise<Response>;
  /** Control socket, offer, answer, `ready`: a call in progress. */
  call(): Promise<{ widget: WidgetClient; callId: string }>;
  close(): Promise<void>;
}

export async function startWebrtcHarness(options: HarnessOptions & { admission?: Admission; realLimits?: boolean } = {}): Promise<WebrtcHarness> {
  const calls = await CallsDouble.start();
  const upstream = await ScriptedUpstream.start({ dialect: 'ga' });
  const config = testConfig({ ...options, site: { transport: 'webrtc', ...options.site } });
  const logs = createLogCapture();
  const logger = createLogger({ level: 'debug', destination: logs });
  const admission = createUnlimitedAdmission();
  // The real limits (memory store): quotas, concurrency and budgets exactly as `serve` runs them.
  const limits = options.realLimits ? createAdmission({ config: () => config, store: createMemoryStore(systemClock), clock: systemClock, logger }) : undefined;
  const violations: WebrtcHarness['violations'] = [];
  const unclaimed: string[] = [];
  const gateway = createGateway({
    getConfig: () => config,
    admission: options.admission ?? limits ?? admission,
    getRetriever: () => createMemoryRetriever(NORTHWIND_PASSAGES),
    logger,
    // Every engine of the config reaches the doubles, so a site on another engine kind calls them too.
    upstreamUrls: Object.fromEntries(Object.keys(config.engines).map((id) => [id, upstream.url])),
    webrtc: {
      callsUrls: Object.fromEntries(Object.keys(config.engines).map((id) => [id, calls.url])),
      observer: { violation: (site, reason) => violations.push({ site, reason }), unclaimed: (site) => unclaimed.push(site) },
    },
  });
  const { port } = await gateway.listen();
  const widgets: WidgetClient[] = [];
  const control = async (extraQuery = '') => {
    const widget = await WidgetClient.connect(port, { extraQuery: `&transport=webrtc${extraQuery}` });
    widgets.push(widget);
    return widget;
  };
  const offer: WebrtcHarness['offer'] = (ticket, init = {}) =>
    fetch(`http://127.0.0.1:${port}/v1/realtime/calls?site=${init.site ?? 'docs'}&ticket=${ticket}`, {
      method: 'POST',
      headers: { origin: init.origin ?? TEST_ORIGIN, 'content-type': 'application/sdp' },
      body: init.body ?? OFFER_SDP,
      signal: init.signal,
    });
  return {
    gateway,
    port,
    calls,
    upstream,
    admission,
    logs,
    violations,
    unclaimed,
    control,
    offer,
    async call() {
      const widget = await control();
      const { ticket } = await widget.next('webrtc_call');
      const answer = await offer(ticket);
      if (answer.status !== 201) throw new Error(`offer refused: ${answer.status} ${await answer.text()}`);
      await widget.next('ready');
      return { widget, callId: calls.created.at(-1)!.callId };
    },
    async close() {
      for (const widget of widgets) if (widget.open) widget.close();
      await gateway.shutdown(0);
      await upstream.close();
      await calls.close();
    },
  };
}
