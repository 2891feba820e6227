/**
 * Levels controller: smooths the latest mic or playback level and draws it on the waveform
 * canvas each animation frame; a calm single bar when the visitor prefers reduced motion.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

const HISTORY = 32;

/** Draws real audio levels; stops animating when idle and on disconnect. */
export class LevelsController implements ReactiveController {
  readonly #history = new Float32Array(HISTORY);
  #canvas: HTMLCanvasElement | undefined;
  #frame = 0;
  #target = 0;
  #smooth = 0;
  #running = false;
  readonly #reducedMotion =
    typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : undefined;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** The latest smoothed level, 0–1. */
  get level(): number {
    return this.#smooth;
  }

  /** Feeds a new RMS level (0–1) from the mic or the playback. */
  push(level: number): void {
    // RMS of speech sits around 0.02–0.3; a square root spreads it over the bar's height.
    this.#target = Math.min(1, Math.sqrt(Math.max(0, level)) * 1.6);
  }

  /** Starts or stops drawing on `canvas`. */
  attach(canvas: HTMLCanvasElement | undefined, running: boolean): void {
    this.#canvas = canvas;
    if (!running) this.#target = 0;
    if (running && !this.#running && canvas) {
      this.#running = true;
      this.#frame = requestAnimationFrame(this.#tick);
    } else if (!running && this.#running) {
      this.#running = false;
      cancelAnimationFrame(this.#frame);
      this.#smooth = 0;
      this.#history.fill(0);
      this.#draw();
    }
  }

  hostDisconnected(): void {
    this.#running = false;
    cancelAnimationFrame(this.#frame);
  }

  readonly #tick = (): void => {
    if (!this.#running) return;
    const calm = this.#reducedMotion?.matches ?? false;
    this.#smooth += (this.#target - this.#smooth) * (calm ? 0.08 : 0.35);
    this.#history.copyWithin(0, 1);
    this.#history[HISTORY - 1] = this.#smooth;
    this.#draw();
    this.#frame = requestAnimationFrame(this.#tick);
  };

  #draw(): void {
    const canvas = this.#canvas;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const ratio = globalThis.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = getComputedStyle(canvas).color;
    if (this.#reducedMotion?.matches) {
      const bar = Math.max(2 * ratio, height * 0.25);
      ctx.globalAlpha = 0.25;
      ctx.fillRect(0, (height - bar) / 2, width, bar);
      ctx.globalAlpha = 1;
      ctx.fillRect(0, (height - bar) / 2, width * this.#smooth, bar);
      return;
    }
    const step = width / HISTORY;
    for (let i = 0; i < HISTORY; i++) {
      const h = Math.max(2 * ratio, this.#history[i]! * height);
      ctx.fillRect(i * step + step * 0.2, (height - h) / 2, step * 0.6, h);
    }
  }
}
