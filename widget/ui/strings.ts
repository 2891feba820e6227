/**
 * Visitor-facing text in English and Japanese. Every error code needs a message, so a code added
 * to the protocol without text fails the type check.
 */
import type { ErrorCode } from '../../gateway/protocol.js';
import type { WidgetState } from '../state.js';

/** The table of UI strings; strings with parameters are functions. */
export interface Strings {
  /** Default accessible name of the widget. */
  label: string;
  micStart: string;
  micStop: string;
  micHold: string;
  micRelease: string;
  /** Status line per state. */
  state: Record<WidgetState, string>;
  queued: (seconds: number) => string;
  retryIn: (seconds: number) => string;
  you: string;
  /** Marks an answer the visitor interrupted: the text shown is what they heard. */
  interrupted: string;
  assistant: string;
  sources: string;
  textLabel: string;
  textPlaceholder: string;
  send: string;
  end: string;
  open: string;
  close: string;
  micUnavailable: string;
  resumeAudio: string;
  connectionLost: string;
  /** (extension `resume`) The socket dropped; the widget is reconnecting. */
  reconnecting: string;
  /** (extension `renewal`) The gateway is renewing the voice session between turns. */
  renewing: string;
  /** The consent notice (docs/WIDGET.md, "Consent"). */
  consentTitle: string;
  consentAgree: string;
  consentDecline: string;
  consentMore: string;
  consentDeclined: string;
  consentUnavailable: string;
  /** Answer feedback (extension `feedback`). */
  rateUp: string;
  rateDown: string;
  rateReason: string;
  rateSend: string;
  rateThanks: string;
  errors: Record<ErrorCode, string>;
}

/** English. */
export const en: Strings = {
  label: 'Voice assistant',
  micStart: 'Start talking',
  micStop: 'Stop talking',
  micHold: 'Hold to talk',
  micRelease: 'Release to send',
  state: {
    idle: 'Press the microphone to ask a question.',
    connecting: 'Connecting…',
    queued: 'Waiting for a free line…',
    listening: 'Listening…',
    searching: 'Looking it up…',
    speaking: 'Answering…',
    error: 'Something went wrong.',
    ended: 'Conversation ended.',
  },
  queued: (s) => `All lines are busy. Trying again in about ${s} s…`,
  retryIn: (s) => `Retrying in ${s} s…`,
  you: 'You',
  interrupted: 'interrupted',
  assistant: 'Assistant',
  sources: 'Sources',
  textLabel: 'Type a question',
  textPlaceholder: 'Or type your question…',
  send: 'Send',
  end: 'End conversation',
  open: 'Open voice assistant',
  close: 'Close voice assistant',
  micUnavailable: 'The microphone is unavailable; you can still type your questions.',
  resumeAudio: 'Press the microphone again to turn the sound back on.',
  connectionLost: 'The connection was lost. Press the microphone to try again.',
  reconnecting: 'Reconnecting…',
  renewing: 'One moment…',
  consentTitle: 'Before you talk',
  consentAgree: 'I agree',
  consentDecline: 'Not now',
  consentMore: 'Read more',
  consentDeclined: 'The microphone stays off. You can still type your questions.',
  consentUnavailable: 'The assistant is unavailable right now.',
  rateUp: 'Helpful answer',
  rateDown: 'Not helpful',
  rateReason: 'What was wrong? (optional)',
  rateSend: 'Send',
  rateThanks: 'Thanks for your feedback.',
  errors: {
    bad_message: 'The assistant could not understand the request.',
    unauthorized: 'You are not signed in to use the assistant.',
    over_budget: 'The assistant has reached its limit for now.',
    session_expired: 'The conversation timed out.',
    rate_limited: 'The assistant is busy right now.',
    upstream_error: 'The assistant stopped responding.',
    upstream_unavailable: 'The assistant is unavailable right now.',
    server_shutdown: 'The assistant is restarting.',
    internal: 'Something went wrong on our side.',
  },
};

/** Japanese. */
export const ja: Strings = {
  label: '音声アシスタント',
  micStart: '話しかける',
  micStop: '話すのをやめる',
  micHold: '押しながら話す',
  micRelease: '離すと送信',
  state: {
    idle: 'マイクを押して質問してください。',
    connecting: '接続しています…',
    queued: '回線の空きを待っています…',
    listening: '聞いています…',
    searching: '調べています…',
    speaking: '回答しています…',
    error: '問題が発生しました。',
    ended: '会話を終了しました。',
  },
  queued: (s) => `混み合っています。約${s}秒後に再試行します…`,
  retryIn: (s) => `${s}秒後に再試行します…`,
  you: 'あなた',
  interrupted: '中断',
  assistant: 'アシスタント',
  sources: '出典',
  textLabel: '質問を入力',
  textPlaceholder: 'または質問を入力してください…',
  send: '送信',
  end: '会話を終了',
  open: '音声アシスタントを開く',
  close: '音声アシスタントを閉じる',
  micUnavailable: 'マイクを利用できません。質問は入力して送信できます。',
  resumeAudio: 'もう一度マイクを押すと音声が再開します。',
  connectionLost: '接続が切れました。マイクを押して再試行してください。',
  reconnecting: '再接続しています…',
  renewing: '少々お待ちください…',
  consentTitle: '話しかける前に',
  consentAgree: '同意する',
  consentDecline: '今はしない',
  consentMore: '詳細',
  consentDeclined: 'マイクはオフのままです。質問は入力して送信できます。',
  consentUnavailable: 'アシスタントは現在利用できません。',
  rateUp: '役に立った',
  rateDown: '役に立たなかった',
  rateReason: '問題点（任意）',
  rateSend: '送信',
  rateThanks: 'ご意見ありがとうございます。',
  errors: {
    bad_message: 'リクエストを処理できませんでした。',
    unauthorized: 'アシスタントを利用する権限がありません。',
    over_budget: 'アシスタントは現在の利用上限に達しました。',
    session_expired: '会話がタイムアウトしました。',
    rate_limited: 'アシスタントは現在混み合っています。',
    upstream_error: 'アシスタントが応答しなくなりました。',
    upstream_unavailable: 'アシスタントは現在利用できません。',
    server_shutdown: 'アシスタントを再起動しています。',
    internal: 'システムで問題が発生しました。',
  },
};

const TABLES: Record<string, Strings> = { en, ja };

/** Picks the table for a BCP 47 tag (`ja-JP` → Japanese); English when there is none. */
export function stringsFor(lang: string | undefined): Strings {
  const primary = (lang ?? '').toLowerCase().split('-')[0] ?? '';
  // Own keys only: `lang="constructor"` must not pick up Object.prototype.constructor.
  return Object.hasOwn(TABLES, primary) ? TABLES[primary]! : en;
}
