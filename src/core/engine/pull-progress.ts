import { z } from 'zod';
import type { PullLayerProgress, PullPhase, PullProgress } from './types.ts';

/** One line of Docker's pull stream, as far as progress needs it. */
export const pullEventSchema = z.looseObject({
  status: z.string().optional(),
  id: z.string().optional(),
  progressDetail: z.looseObject({ current: z.number().optional(), total: z.number().optional() }).optional(),
  error: z.string().optional(),
  errorDetail: z.looseObject({ message: z.string().optional() }).optional(),
});
export type PullEvent = z.infer<typeof pullEventSchema>;

type LayerStage = 'waiting' | 'downloading' | 'downloaded' | 'extracting' | 'done';

interface Layer {
  stage: LayerStage;
  downloaded: number;
  /** 0 when the registry did not say how big the layer is. */
  size: number;
  extracted: number;
  extractTotal: number;
  /** Already on this machine: no bytes to fetch, so it must not weigh in the percent. */
  present: boolean;
}

export interface PullState {
  layers: Map<string, Layer>;
  finished: boolean;
  /** The highest percent reported so far, so the bar never moves back when new layers appear. */
  lastPercent: number;
  lastBytes: number;
}

export function initialPullState(): PullState {
  return { layers: new Map(), finished: false, lastPercent: 0, lastBytes: 0 };
}

const STAGE_ORDER: Record<LayerStage, number> = { waiting: 0, downloading: 1, downloaded: 2, extracting: 3, done: 4 };

function advance(layer: Layer, stage: LayerStage): void {
  // Events can arrive late or repeat; a layer only ever moves forward.
  if (STAGE_ORDER[stage] > STAGE_ORDER[layer.stage]) layer.stage = stage;
}

/**
 * Folds one pull event into the state. Pure apart from mutating `state` (which the caller owns), so it is
 * tested with recorded event sequences.
 */
export function reducePullEvent(state: PullState, event: PullEvent): PullState {
  const status = event.status ?? '';
  if (/^(Status: |Digest: )/.test(status)) {
    if (status.startsWith('Status: ')) state.finished = true;
    return state;
  }
  // Per-layer events carry a 12-hex-digit id; the first line ("Pulling from repo", id = tag) does not.
  const id = event.id;
  if (!id || !/^[0-9a-f]{12,64}$/.test(id)) return state;
  let layer = state.layers.get(id);
  if (!layer) {
    layer = { stage: 'waiting', downloaded: 0, size: 0, extracted: 0, extractTotal: 0, present: status === 'Already exists' };
    state.layers.set(id, layer);
  }
  const current = event.progressDetail?.current ?? 0;
  const total = event.progressDetail?.total ?? 0;
  switch (status) {
    case 'Already exists':
    case 'Pull complete':
      advance(layer, 'done');
      if (layer.size > 0) layer.downloaded = layer.size;
      break;
    case 'Downloading':
      advance(layer, 'downloading');
      if (total > 0) layer.size = Math.max(layer.size, total);
      layer.downloaded = Math.max(layer.downloaded, current);
      break;
    case 'Verifying Checksum':
    case 'Download complete':
      advance(layer, 'downloaded');
      if (layer.size > 0) layer.downloaded = layer.size;
      break;
    case 'Extracting':
      advance(layer, 'extracting');
      if (layer.size > 0) layer.downloaded = layer.size;
      if (total > 0) layer.extractTotal = total;
      layer.extracted = Math.max(layer.extracted, current);
      break;
    default:
      // "Pulling fs layer", "Waiting", "Retrying in N seconds": nothing to count.
      break;
  }
  return state;
}

function layerFraction(layer: Layer): number {
  // Download is most of the wait; extraction is the rest.
  const DOWNLOAD_SHARE = 0.8;
  switch (layer.stage) {
    case 'waiting':
      return 0;
    case 'downloading':
      return layer.size > 0 ? DOWNLOAD_SHARE * Math.min(1, layer.downloaded / layer.size) : 0;
    case 'downloaded':
      return DOWNLOAD_SHARE;
    case 'extracting':
      return DOWNLOAD_SHARE + (1 - DOWNLOAD_SHARE) * (layer.extractTotal > 0 ? Math.min(1, layer.extracted / layer.extractTotal) : 0);
    case 'done':
      return 1;
  }
}

function layerView(id: string, layer: Layer): PullLayerProgress {
  const state = layer.present ? 'present' : layer.stage;
  const extractPercent = layer.stage === 'done' ? 100 : layer.extractTotal > 0 ? Math.min(100, Math.floor((100 * layer.extracted) / layer.extractTotal)) : 0;
  return { id, state, currentBytes: layer.downloaded, totalBytes: Math.max(layer.size, layer.downloaded), extractPercent };
}

/** The one progress value shown to the user. Updates `state.lastPercent`/`lastBytes` to keep them monotone. */
export function pullProgressOf(state: PullState): PullProgress {
  const layers = [...state.layers.values()];
  const done = layers.filter((l) => l.stage === 'done').length;
  // Layers with no size count in both the bytes seen and the total, so current never exceeds total.
  const currentBytes = Math.max(state.lastBytes, layers.reduce((sum, l) => sum + l.downloaded, 0));
  const totalBytes = Math.max(currentBytes, layers.reduce((sum, l) => sum + Math.max(l.size, l.downloaded), 0));
  state.lastBytes = currentBytes;

  let phase: PullPhase;
  if (state.finished) phase = 'done';
  else if (layers.every((l) => l.stage === 'waiting' || l.present)) phase = 'resolving';
  else if (layers.some((l) => l.stage === 'waiting' || l.stage === 'downloading')) phase = 'downloading';
  else phase = 'extracting';

  let percent: number;
  if (state.finished) {
    percent = 100;
  } else {
    // Weigh layers by size where known; a layer of unknown size weighs as much as the average known one,
    // and a layer that was already here weighs nothing (else a mostly-present image would start at 80%).
    const known = layers.filter((l) => l.size > 0);
    const average = known.length > 0 ? known.reduce((s, l) => s + l.size, 0) / known.length : 1;
    let weighted = 0;
    let weights = 0;
    for (const l of layers) {
      const w = l.size > 0 ? l.size : l.present ? 0 : average;
      weighted += w * layerFraction(l);
      weights += w;
    }
    const raw = weights > 0 ? Math.floor((100 * weighted) / weights) : 0;
    // 100 means done, and only the final status line says so.
    percent = Math.min(99, Math.max(state.lastPercent, raw));
  }
  state.lastPercent = percent;
  const perLayer = [...state.layers].map(([id, layer]) => layerView(id, layer));
  return { phase, currentBytes, totalBytes, percent, layers: { total: layers.length, done }, perLayer };
}

/** The error a pull stream reported in-band, if this event is one. */
export function pullEventError(event: PullEvent): string | undefined {
  return event.errorDetail?.message ?? event.error;
}
