/** A chart bar's label: "28/11" for a day, "28/11 02 h" for an hour (French formatting writes the "h" itself). */
export function bucketLabel(start: string, bucket: 'hour' | 'day'): string {
  const format: Intl.DateTimeFormatOptions =
    bucket === 'day' ? { day: '2-digit', month: '2-digit' } : { day: '2-digit', month: '2-digit', hour: '2-digit' };
  return new Date(start).toLocaleString('fr-FR', format);
}
