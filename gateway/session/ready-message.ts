/** The `ready` message of a session: the v1 fields, the extensions this site accepts, and a fresh resume token. */
import { GATEWAY_EXTENSIONS, PROTOCOL_VERSION, SAMPLE_RATE, type GatewayExtension, type ReadyMessage } from '../protocol.js';
import type { SessionContext } from './session-context.js';

/** Whether the session can wait for a dropped browser: a grace time and someone to hand out tokens. */
export const resumeOffered = (ctx: SessionContext): boolean => ctx.site.continuity.resume_grace_seconds > 0 && ctx.issueResumeToken !== undefined;

/**
 * Builds `ready`; each call issues a new resume token (the previous one stops working).
 * `accepted`: the session's other extensions (feedback, page tools, page), decided by their modules.
 */
export function readyMessage(ctx: SessionContext, accepted: readonly GatewayExtension[]): ReadyMessage {
  const { site } = ctx;
  const extensions = GATEWAY_EXTENSIONS.filter((name) => {
    if (name === 'resume') return resumeOffered(ctx);
    if (name === 'renewal') return site.continuity.renew;
    return accepted.includes(name);
  });
  const resumeToken = extensions.includes('resume') ? ctx.issueResumeToken?.() : undefined;
  return {
    type: 'ready',
    session_id: ctx.sessionId,
    protocol: PROTOCOL_VERSION,
    sample_rate: SAMPLE_RATE,
    turn_detection: site.turn_detection.type === 'manual' ? 'manual' : 'server_vad',
    max_session_s: site.limits.max_session_seconds,
    engine: ctx.engine.kind,
    extensions,
    ...(resumeToken ? { resume_token: resumeToken } : {}),
  };
}
