import { formatLocalDateTime } from '../model/formatTime.js';
import { RANGE_PRESETS, type RangePreset, type TimeRange } from '../model/timeRange.js';
import { h } from './dom.js';

const PRESET_LABELS: Readonly<Record<RangePreset, string>> = { '5m': 'last 5 min', '1h': 'last 1 h', '24h': 'last 24 h' };

/** `datetime-local` input text for an instant (local time, to the second). */
const localInput = (us: number | undefined): string => (us === undefined ? '' : formatLocalDateTime(us).replace(' ', 'T'));

/** An instant from a `datetime-local` input (local time); undefined when empty or unreadable. */
function fromLocalInput(text: string): number | undefined {
  if (text === '') return undefined;
  const ms = new Date(text).getTime();
  return Number.isNaN(ms) ? undefined : ms * 1000;
}

/** The time range picker of the lists: all time, the last 5 min / 1 h / 24 h, or custom bounds (local time). */
export class TimeRangePicker {
  readonly element: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly from = h('input', { className: 'range-from', attrs: { type: 'datetime-local', step: '1', 'aria-label': 'From (local time)' } });
  private readonly to = h('input', { className: 'range-to', attrs: { type: 'datetime-local', step: '1', 'aria-label': 'To (local time)' } });
  private readonly custom = h('span', { className: 'range-custom' }, this.from, h('span', { className: 'muted', text: '–' }), this.to);

  constructor(range: TimeRange, onChange: (range: TimeRange) => void) {
    this.select = h(
      'select',
      { className: 'range-select', attrs: { name: 'range', 'aria-label': 'Time range' } },
      h('option', { attrs: { value: 'all' }, text: 'all time' }),
      ...(Object.keys(RANGE_PRESETS) as RangePreset[]).map((preset) => h('option', { attrs: { value: preset }, text: PRESET_LABELS[preset] })),
      h('option', { attrs: { value: 'custom' }, text: 'custom…' }),
    );
    this.element = h('span', { className: 'range-picker' }, this.select, this.custom);
    this.set(range);
    this.select.addEventListener('change', () => {
      if (this.select.value === 'custom') {
        this.custom.hidden = false;
        // A custom range starts as the preset it replaces, made concrete.
        if (this.from.value === '') this.from.value = localInput(Date.now() * 1000 - 3600e6);
        this.from.focus();
        return;
      }
      this.custom.hidden = true;
      onChange(this.value());
    });
    for (const input of [this.from, this.to]) input.addEventListener('change', () => onChange(this.value()));
  }

  /** The range picked. */
  value(): TimeRange {
    const chosen = this.select.value;
    if (chosen === 'all') return { kind: 'all' };
    if (chosen !== 'custom') return { kind: 'last', preset: chosen as RangePreset };
    const range: TimeRange = { kind: 'custom' };
    const fromUs = fromLocalInput(this.from.value);
    const toUs = fromLocalInput(this.to.value);
    if (fromUs !== undefined) range.fromUs = fromUs;
    if (toUs !== undefined) range.toUs = toUs;
    return range;
  }

  /** Shows a range (the URL changed). */
  set(range: TimeRange): void {
    this.select.value = range.kind === 'last' ? range.preset : range.kind;
    this.custom.hidden = range.kind !== 'custom';
    this.from.value = range.kind === 'custom' ? localInput(range.fromUs) : '';
    this.to.value = range.kind === 'custom' ? localInput(range.toUs) : '';
  }
}
