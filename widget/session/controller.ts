/** The session of `<voice-rag>` as a Lit reactive controller: the API the element drives, and the dispatch of gateway messages. */
import type { ServerMessage } from '../../gateway/protocol.js';
import { MAX_TEXT_CHARS } from './protocol-copies.js';
import { SessionCore } from './session-core.js';

export type { SessionHost } from './session-core.js';

/** Owns one conversation at a time and everything it holds: socket, microphone, `AudioContext`, timers. */
export class SessionController extends SessionCore {
  /** Opens the session (socket, and the microphone unless `textOnly`); call it from a user gesture. */
  override async start(options: { textOnly?: boolean } = {}): Promise<void> {
    if (this.active) return;
    // The microphone asks on its own (openMic); a typed session asks here when the site says so.
    const consent = options.textOnly ? (this.host.requestConsent?.('typed') ?? true) : true;
    if (consent !== true && !(await consent)) return void (this.pendingText.length = 0);
    if (this.active) return;
    this.release();
    const generation = this.generation;
    this.failure = undefined;
    this.noticeText = '';
    this.typedOnly = options.textOnly ?? false;
    this.setState('connecting');
    // Created inside the gesture: Safari and iOS only start audio from one.
    this.audio.open();
    if (!this.typedOnly) this.openMic();
    const host = this.host;
    let token = host.token;
    try {
      if (host.tokenProvider) token = await host.tokenProvider();
    } catch {
      if (generation === this.generation) this.fail('unauthorized', this.host.strings.errors.unauthorized);
      return;
    }
    if (generation !== this.generation) return;
    try {
      this.connection.connect(token || undefined, this.typedOnly);
    } catch (error) {
      // A malformed `gateway` attribute: an error state with the mic released, not a hang in `connecting`.
      this.fail('upstream_unavailable', this.host.strings.errors.upstream_unavailable, undefined, String(error));
    }
  }

  /** Ends the session, telling the gateway how much of an answer in progress was heard. */
  async stop(): Promise<void> {
    if (!this.active && this.current !== 'error') return;
    this.pendingText.length = 0;
    if (this.current === 'speaking' || this.audio.playback.bufferedMs > 0) await this.bargeIn();
    this.release();
    this.setState('ended');
  }

  /** Sends a typed question, starting a text-only session if none is open. */
  sendText(text: string): void {
    const trimmed = text.trim().slice(0, MAX_TEXT_CHARS);
    if (!trimmed) return;
    if (this.ready && this.connection.open) {
      if (this.current === 'speaking') void this.bargeIn();
      // The interrupt must reach the gateway first, or it would cancel the answer to this question.
      const generation = this.generation;
      void this.interrupted.then(() => {
        if (generation === this.generation) this.connection.send({ type: 'text', text: trimmed });
      });
      return;
    }
    this.pendingText.push(trimmed);
    if (!this.active) void this.start({ textOnly: true });
  }

  /** Resumes an audio context the browser suspended; true when there was one to resume. */
  resumeAudio(): boolean {
    return this.active && this.audio.resume();
  }

  /** Opens the microphone in the current session. */
  openMic(): void {
    const generation = this.generation;
    const consent = this.host.requestConsent?.('mic') ?? true;
    if (consent !== true) return void consent.then((agreed) => generation === this.generation && (agreed ? this.openMic() : this.consentDeclined()));
    const context = this.audio.context;
    if (!context) return;
    this.typedOnly = false;
    // The waveform starts once the mic is open, which may be after `ready`.
    this.audio.capture.start(context).then(
      () => this.host.requestUpdate(),
      () => {
        if (generation === this.generation) this.setNotice(this.host.strings.micUnavailable);
      },
    );
  }

  /** Push-to-talk: holding interrupts an answer; releasing sends `commit`. */
  hold(down: boolean): void {
    if (down === this.held) return;
    if (down && this.current === 'speaking') void this.bargeIn();
    this.held = down;
    this.host.requestUpdate();
    if (!down && this.ready) this.connection.send({ type: 'commit' });
  }

  /** No agreement: the microphone stays off and the session goes on for typing. */
  protected consentDeclined(): void {
    this.typedOnly = true;
    this.setNotice(this.host.strings.consentDeclined);
  }

  /** Applies one gateway message. Unknown types are ignored (forward compatibility). */
  protected override handleMessage(message: ServerMessage): void {
    const strings = this.host.strings;
    switch (message.type) {
      case 'webrtc_call':
        this.startCall(message.ticket);
        break;
      case 'queued':
        this.queueWait = Math.max(1, Math.ceil(message.retry_in_ms / 1000));
        this.setState('queued');
        break;
      case 'ready':
        if (this.connection.ready(message)) this.setNotice('');
        this.ready = true;
        this.feedback.reset(message.extensions?.includes('feedback') ?? false);
        this.queueWait = 0;
        this.setState('listening');
        if (message.extensions?.includes('page')) this.watchPage();
        for (const text of this.pendingText.splice(0)) this.connection.send({ type: 'text', text });
        break;
      case 'renewing':
        this.setNotice(strings.renewing);
        break;
      case 'renewed':
        if (this.noticeText === strings.renewing) this.setNotice('');
        break;
      case 'speech_started':
        if (this.current === 'speaking' || this.audio.playback.bufferedMs > 0) void this.bargeIn();
        if (this.current === 'speaking') this.setState('listening');
        break;
      case 'user_transcript':
        this.transcript.upsert(message.item_id, 'user', message.text, message.final, strings);
        break;
      case 'searching':
        this.setState('searching');
        break;
      case 'response_started':
        this.audio.startAnswer(message.response_id);
        this.heard.start();
        this.feedback.responseStarted(message.response_id);
        // 'speaking' waits for the answer's first words or audio: a response that only calls a
        // tool (search) says nothing, and the visitor should keep seeing "looking it up".
        break;
      case 'assistant_transcript':
        this.beginSpeaking();
        this.feedback.assistantItem(message.item_id);
        this.heard.text(message.item_id, message.delta);
        this.transcript.appendAssistant(message.item_id, message.delta, strings);
        break;
      case 'assistant_transcript_done':
        this.feedback.assistantItem(message.item_id);
        this.heard.done(message.item_id, message.text);
        this.transcript.upsert(message.item_id, 'assistant', message.text, true, strings);
        break;
      case 'citations':
        this.transcript.setSources(message.item_id, message.sources);
        break;
      case 'response_done':
        // Otherwise the state returns to listening when the last buffered audio has been heard.
        if (this.audio.endAnswer(message.response_id, message.status === 'cancelled') && this.current === 'speaking') {
          this.setState('listening');
        }
        break;
      case 'page_tool_call': {
        const generation = this.generation;
        // A lazy chunk: pages whose site has no page tools never download it.
        void import('../page-tools.js')
          .then(({ runPageTool }) => runPageTool(this.host, message))
          .then((reply) => generation === this.generation && this.connection.send(reply));
        break;
      }
      case 'error': {
        const text = strings.errors[message.code] ?? strings.errors.internal;
        if (message.fatal) this.fail(message.code, text, message.retry_after_ms, message.message);
        else this.showError(message.code, text, message.message);
        break;
      }
    }
    this.host.requestUpdate();
  }

  /** Places the WebRTC call; if it cannot connect, the session goes on over the socket. */
  protected startCall(ticket: string): void {
    const context = this.audio.context;
    if (!context) return;
    const onLevel = (level: number) => this.current === 'speaking' && this.audio.levels.push(level);
    this.connection.startCall(ticket, context, onLevel, () => (this.ready = false));
  }

  protected watchPage(): void {
    const generation = this.generation;
    void import('../page/page-watcher.js').then(({ PageWatcher }) => {
      if (generation !== this.generation) return;
      this.page ??= new PageWatcher();
      this.page.start((page) => this.connection.send(page));
    });
  }
}
