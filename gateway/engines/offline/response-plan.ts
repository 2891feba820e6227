/** Decides what a response does: call `search`, report grounding, answer, or say it cannot understand. */
import { composeAnswer, fixedMessage } from './answer.js';
import type { Conversation, Item } from './conversation.js';
import { searchQueryFor } from './follow-up.js';
import { resample } from './resample.js';
import type { ResponseStep } from './response-run.js';
import type { FunctionTool, RealtimeSession } from './session-config.js';
import { detectLang, type AnswerLang } from './text.js';

/** Optional speech recognition for committed audio turns (16 kHz PCM16 in, text or nothing out). */
export interface Recognizer {
  recognize(pcm16k: Int16Array): Promise<string | undefined>;
}

/** What planning a response may look at. */
export interface PlanInput {
  conversation: Conversation;
  session: RealtimeSession;
  /** `response.create` may override the session's tools. */
  tools?: readonly FunctionTool[];
  toolChoice?: unknown;
  /** `response.create` instructions; a quoted "say exactly this" line (the gateway's greeting) is spoken. */
  instructions?: string;
  recognizer?: Recognizer;
  /** The 24 kHz audio of a committed user item, kept only when a recognizer is plugged in. */
  userAudio(itemId: string): Int16Array | undefined;
  /** Called with a recognised transcript, so the session can announce it. */
  onTranscript?(itemId: string, transcript: string): void;
}

/** The language of the session, for messages that do not answer a typed question. */
export function sessionLang(session: RealtimeSession): AnswerLang {
  const language = session.audio.input.transcription?.language ?? /\blanguage "([a-z]{2})/i.exec(session.instructions)?.[1] ?? '';
  return language.toLowerCase().startsWith('ja') || detectLang(session.instructions) === 'ja' ? 'ja' : 'en';
}

/** The text a `response.create` asks to be said verbatim, e.g. `…saying exactly this, and nothing else: "Hi!"`. */
export function verbatimText(instructions: string | undefined): string | undefined {
  const quoted = /exactly[^"]*:\s*("(?:[^"\\]|\\.)*")\s*$/.exec(instructions ?? '')?.[1];
  if (!quoted) return undefined;
  try {
    const text = JSON.parse(quoted) as unknown;
    return typeof text === 'string' && text.trim() ? text.trim() : undefined;
  } catch {
    return undefined;
  }
}

function messageStep(answer: { text: string; lang: AnswerLang; spoken?: string }): ResponseStep {
  return { kind: 'message', text: answer.text, lang: answer.lang, ...(answer.spoken ? { spoken: answer.spoken } : {}) };
}

function askSearch(question: string, input: PlanInput): ResponseStep[] {
  const tools = input.tools ?? input.session.tools;
  const choice = input.toolChoice ?? input.session.tool_choice;
  if (!tools.some((tool) => tool.name === 'search') || choice === 'none') {
    return [messageStep(fixedMessage('noSearchTool', detectLang(question)))];
  }
  return [{ kind: 'call', name: 'search', arguments: JSON.stringify({ query: question.trim() }) }];
}

function queryOf(call: Extract<Item, { type: 'function_call' }>): string {
  try {
    const parsed = JSON.parse(call.arguments) as { query?: unknown };
    return typeof parsed.query === 'string' ? parsed.query : '';
  } catch {
    return '';
  }
}

/**
 * Decides what the next response does, from the last conversation item: a typed question →
 * call `search`; a `search` result → speak an extractive answer and call `report_grounding`;
 * an audio turn → the can't-understand message (or search, given a recogniser); anything
 * else (a `report_grounding` acknowledgement included) → nothing, so tool loops always end.
 * Instructions that quote a line to say verbatim (the gateway's greeting) win over all of that.
 */
export async function planResponse(input: PlanInput): Promise<ResponseStep[]> {
  const verbatim = verbatimText(input.instructions);
  if (verbatim) return [{ kind: 'message', text: verbatim, lang: detectLang(verbatim) }];
  const last = input.conversation.items.at(-1);
  if (!last) return [];
  if (last.type === 'function_call_output') {
    const call = input.conversation.findCall(last.call_id);
    if (call?.name !== 'search') return [];
    const answer = composeAnswer(queryOf(call), last.output);
    const steps: ResponseStep[] = [messageStep(answer)];
    const tools = input.tools ?? input.session.tools;
    if (answer.sourceIds.length && tools.some((tool) => tool.name === 'report_grounding')) {
      steps.push({ kind: 'call', name: 'report_grounding', arguments: JSON.stringify({ sources: answer.sourceIds }) });
    }
    return steps;
  }
  if (last.type !== 'message' || last.role !== 'user') return [];
  const part = last.content[0];
  if (part?.type === 'input_text') return askSearch(searchQueryFor(part.text, input.conversation.items), input);
  if (part?.type !== 'input_audio') return [];
  let transcript = part.transcript ?? undefined;
  const audio = input.userAudio(last.id);
  if (!transcript && input.recognizer && audio) {
    transcript = (await input.recognizer.recognize(resample(audio, 24_000, 16_000)))?.trim() || undefined;
    if (transcript) {
      part.transcript = transcript;
      input.onTranscript?.(last.id, transcript);
    }
  }
  if (transcript) return askSearch(searchQueryFor(transcript, input.conversation.items), input);
  return [messageStep(fixedMessage('cantUnderstand', sessionLang(input.session)))];
}
