/**
 * One upstream session of a visitor session: opening and configuring it (events that arrive
 * meanwhile are held), and the parts bound to it (turns, tool loop, metering, translator).
 * A renewal opens a second one and links it in place of the first.
 */
import type { RealtimeConnection, UpstreamEvent } from '../realtime/client.js';
import type { Retriever } from '../retrieval/types.js';
import { responseCreateEvent } from '../realtime/client-events.js';
import { webBase64 } from '../realtime/base64.js';
import { combineSiteTools, createSiteTools } from '../tools/site-tools.js';
import { withoutPageTools } from '../tools/declaration.js';
import type { PageTools } from './page-tools.js';
import { configureUpstream } from './configure.js';
import { createMetering } from './metering.js';
import { createToolLoop, type ToolLoop, type ToolLoopOptions } from './tool-loop.js';
import { createTranslator } from './translator.js';
import { createTurns, type Turns } from './turns.js';
import type { SendToBrowser } from './types.js';
import type { SessionContext } from './session-context.js';

/** Events of a configured upstream that arrived before it was linked. */
export interface HeldEvents {
  take(): UpstreamEvent[];
  stop(): void;
}

/**
 * Connects and configures an upstream session within `signal`; a failure closes it and rejects
 * (`upstream_unavailable`). `onClose` is the session's reaction to this socket closing.
 */
export async function openUpstream(
  ctx: SessionContext,
  signal: AbortSignal,
  options: { textOnly: boolean; offerPageTools: boolean; onClose(connection: RealtimeConnection, code: number): void },
): Promise<{ connection: RealtimeConnection; held: HeldEvents }> {
  const { clock, logger } = ctx;
  const connectStarted = clock.now();
  const connection = await ctx.connect(signal);
  connection.onClose((code) => options.onClose(connection, code));
  let held: UpstreamEvent[] | undefined = [];
  try {
    // Page tools are offered to the model only when this visitor's widget runs them.
    const site = options.offerPageTools ? ctx.site : withoutPageTools(ctx.site);
    await configureUpstream(connection, site, ctx.engine, clock, logger, (event) => held?.push(event), signal, { textOnly: options.textOnly });
  } catch (error) {
    connection.close();
    throw error;
  }
  ctx.observer?.upstreamConnect?.(ctx.engineId, (clock.now() - connectStarted) / 1000);
  return { connection, held: { take: () => held?.splice(0) ?? [], stop: () => (held = undefined) } };
}

export interface LinkHandlers {
  sendToBrowser: SendToBrowser;
  sendAudio(pcm: Uint8Array): void;
  /** What the tool loop searches: the site's retriever, boosted towards the visitor's page (`page_context`). */
  retriever: Retriever;
  /** The page tools of this visitor session, when its widget runs them. */
  pageTools?: PageTools;
  /** The insight recorder's view of each search and each response's cost (sites with `insights`). */
  onSearch?: ToolLoopOptions['onSearch'];
  onCost?(costUsd: number | undefined): void;
  /** An upstream `error` event, with the turns it may settle. */
  onError(error: Record<string, unknown>, turns: Turns): void;
  onIdleEnd(): void;
}

/** The parts bound to one upstream session; `translate` handles its events. */
export interface UpstreamLink {
  turns: Turns;
  tools: ToolLoop;
  translate(event: UpstreamEvent): void;
}

/** Builds the turns, tool loop, metering and translator of `connection`. */
export function linkUpstream(ctx: SessionContext, connection: RealtimeConnection, handlers: LinkHandlers): UpstreamLink {
  const { clock, logger, site } = ctx;
  const sendUpstream = (event: Record<string, unknown>) => connection.send(event);
  const turns = createTurns(connection.dialect, sendUpstream);
  const tools = createToolLoop({
    retriever: handlers.retriever,
    retrieval: site.retrieval,
    sendUpstream,
    sendToBrowser: handlers.sendToBrowser,
    requestResponse: () => turns.requestResponse([responseCreateEvent()]),
    clock,
    logger,
    onToolCall: (tool, seconds, ok) => ctx.observer?.toolCall?.(ctx.siteId, tool, seconds, ok),
    siteTools: combineSiteTools(ctx.toolFetch && createSiteTools(site.tools, { fetch: ctx.toolFetch, clock, logger }), handlers.pageTools),
    onSearch: handlers.onSearch,
  });
  const metering = createMetering(ctx, connection.session);
  const translate = createTranslator({
    sendToBrowser: handlers.sendToBrowser,
    sendAudio: handlers.sendAudio,
    turns,
    tools,
    onUsage: (usage) => {
      const cost = metering(usage);
      handlers.onCost?.(cost);
    },
    onError: (error) => handlers.onError(error, turns),
    // The composition root installs the runtime's fast codec (installBase64Codec); webBase64 delegates to it.
    decodeAudio: webBase64.decode,
    logTranscripts: ctx.server.log_transcripts,
    logger,
    onIdleEnd: handlers.onIdleEnd,
  });
  return { turns, tools, translate };
}
