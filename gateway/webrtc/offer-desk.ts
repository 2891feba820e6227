/**
 * Where an admitted WebRTC session meets its browser's SDP offer: the session opens a single-use
 * ticket (sent over its control socket); the HTTP endpoint hands in the offer for that ticket and
 * waits for the answer. A ticket works once, for its own site, until it expires.
 */

/** What the HTTP endpoint gets back: an SDP answer, or a status with a reason. */
export type DeskReply = { status: 201; answer: string } | { status: 404 | 409 | 502 | 503; message: string };

/** The offer as the session sees it. */
export interface PendingOffer {
  sdp: string;
  /** Aborted when the browser gives up on its request. */
  readonly requestSignal: AbortSignal;
  /** Replies with the answer; false when the browser's request is already gone (nobody will claim the call). */
  answer(sdp: string): boolean;
  refuse(status: 502 | 503, message: string): void;
}

export interface OfferDesk {
  /** Opens a ticket; `offer` rejects when the signal aborts or the ticket expires. */
  open(siteId: string, expiresMs: number, signal: AbortSignal): { ticket: string; offer: Promise<PendingOffer> };
  /** Hands in an offer; resolves with the reply for the browser. */
  deliver(ticket: string, siteId: string, sdp: string, requestSignal: AbortSignal): Promise<DeskReply>;
  /** Tickets open now (tests, leaks). */
  readonly open_tickets: number;
}

interface Ticket {
  siteId: string;
  taken: boolean;
  take(offer: PendingOffer): void;
}

/** Schedules the expiry timer (the session's clock). */
export type Timers = { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(timer: unknown): void };

const newTicket = () => {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
};

/** Creates the desk shared by the socket endpoint and the offer route. */
export function createOfferDesk(timers: Timers): OfferDesk {
  const tickets = new Map<string, Ticket>();
  return {
    open(siteId, expiresMs, signal) {
      const ticket = newTicket();
      const offer = new Promise<PendingOffer>((resolve, reject) => {
        const close = (reason?: string) => {
          timers.clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          tickets.delete(ticket);
          if (reason) reject(new Error(reason));
        };
        const onAbort = () => close('the session ended before the offer arrived');
        const timer = timers.setTimeout(() => close('no WebRTC offer arrived in time'), expiresMs);
        signal.addEventListener('abort', onAbort, { once: true });
        tickets.set(ticket, {
          siteId,
          taken: false,
          take(pending) {
            close();
            resolve(pending);
          },
        });
        if (signal.aborted) onAbort();
      });
      // The session may end before anyone awaits the offer.
      offer.catch(() => {});
      return { ticket, offer };
    },
    deliver(ticket, siteId, sdp, requestSignal) {
      const entry = tickets.get(ticket);
      if (!entry || entry.siteId !== siteId) return Promise.resolve({ status: 404, message: 'unknown or expired ticket' });
      if (entry.taken) return Promise.resolve({ status: 409, message: 'this ticket was used already' });
      entry.taken = true;
      return new Promise<DeskReply>((resolve) => {
        let replied = false;
        const reply = (value: DeskReply) => {
          if (replied) return false;
          replied = true;
          resolve(value);
          return true;
        };
        entry.take({
          sdp,
          requestSignal,
          answer: (answer) => !requestSignal.aborted && reply({ status: 201, answer }),
          refuse: (status, message) => void reply({ status, message }),
        });
      });
    },
    get open_tickets() {
      return tickets.size;
    },
  };
}
