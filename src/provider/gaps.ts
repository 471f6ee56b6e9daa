/** How many of the latest gaps between arrivals tell how fast things come now. */
const RECENT_GAPS = 8;

/** The recent gaps with one more, the oldest dropped. */
export function withGap(gaps: readonly number[], gap: number): number[] {
  return [...gaps, gap].slice(-RECENT_GAPS);
}

/** The mean gap, in ms; 0 when none is known yet. */
export function typicalGap(gaps: readonly number[]): number {
  return gaps.length === 0 ? 0 : gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
}
