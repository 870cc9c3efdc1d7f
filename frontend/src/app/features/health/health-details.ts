import { DETAIL_LABELS_FR } from '../../core/i18n/health.fr';

/** One line of a component's report on the Santé page, in French with its unit. */
export interface DetailLine {
  label: string;
  value: string;
}

/** The report's entries (all but `status`) as French label and value; unknown keys keep their name. */
export function detailLines(component: Record<string, unknown>): DetailLine[] {
  return Object.entries(component)
    .filter(([key]) => key !== 'status')
    .map(([key, value]) => {
      const known = DETAIL_LABELS_FR[key];
      return { label: known?.label ?? key, value: known?.format ? known.format(value) : String(value) };
    });
}
