import { formatDuration } from '../model/formatTime.js';
import { axisTicks, type TimeWindow } from '../model/timeline.js';
import { h, replaceChildren } from './dom.js';

const AXIS_INTERVALS = 4;

/** The time axis above the waterfall: offsets from the trace start at evenly spaced ticks. */
export class TimeAxis {
  /** The axis element, placed in the column header. */
  readonly element = h('div', { className: 'axis' });

  /** Draws the ticks of a window. */
  render(window: TimeWindow): void {
    const span = window.endUs - window.startUs;
    replaceChildren(
      this.element,
      ...axisTicks(window, AXIS_INTERVALS).map((offset, i) => {
        const tick = h('span', { className: `tick${i === AXIS_INTERVALS ? ' tick-last' : ''}`, text: i === 0 ? '0' : formatDuration(offset / 1000) });
        tick.style.left = `${(offset / span) * 100}%`;
        return tick;
      }),
    );
  }
}
