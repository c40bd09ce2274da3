/** Hours of operation for CheckHoursOfOperation, in the shape DescribeHoursOfOperation returns. */
export interface HoursOfOperation {
  HoursOfOperationId: string;
  Name?: string;
  /** IANA time zone, e.g. "America/New_York". */
  TimeZone: string;
  Config: Array<{
    Day: 'SUNDAY' | 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY';
    StartTime: { Hours: number; Minutes: number };
    EndTime: { Hours: number; Minutes: number };
  }>;
}

const days = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

/** Checks a list of hours up front, so a bad option fails at start-up with the field named. */
export function validateHours(list: HoursOfOperation[]): void {
  list.forEach((h, i) => {
    const at = `hoursOfOperation[${i}]`;
    if (typeof h.HoursOfOperationId !== 'string' || h.HoursOfOperationId === '') throw new Error(`${at}.HoursOfOperationId must be a non-empty string.`);
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: h.TimeZone });
    } catch {
      throw new Error(`${at}.TimeZone "${String(h.TimeZone)}" is not an IANA time zone (e.g. "Europe/Berlin").`);
    }
    if (!Array.isArray(h.Config)) throw new Error(`${at}.Config must be an array of {Day, StartTime, EndTime}.`);
    h.Config.forEach((c, j) => {
      if (!days.includes(c.Day)) throw new Error(`${at}.Config[${j}].Day must be one of ${days.join(', ')}.`);
      for (const key of ['StartTime', 'EndTime'] as const) {
        const t = c[key];
        if (!t || !Number.isInteger(t.Hours) || t.Hours < 0 || t.Hours > 23 || !Number.isInteger(t.Minutes) || t.Minutes < 0 || t.Minutes > 59) {
          throw new Error(`${at}.Config[${j}].${key} must be {Hours: 0-23, Minutes: 0-59}.`);
        }
      }
    });
  });
}

export function findHours(list: HoursOfOperation[], ref: string): HoursOfOperation | undefined {
  const id = ref.includes('/operating-hours/') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
  return list.find((h) => h.HoursOfOperationId === id || h.Name === ref);
}

/** Whether the instant falls inside the hours, in the hours' own time zone. */
export function isOpen(hours: HoursOfOperation, at: Date): boolean {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: hours.TimeZone, weekday: 'long', hour: 'numeric', minute: 'numeric', hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').toUpperCase();
  const minute = Number(get('hour')) * 60 + Number(get('minute'));
  return hours.Config.some((c) => {
    if (c.Day !== day) return false;
    const start = c.StartTime.Hours * 60 + c.StartTime.Minutes;
    const end = c.EndTime.Hours * 60 + c.EndTime.Minutes;
    // Connect treats 00:00-00:00 as the whole day, and an end before the start as past midnight.
    if (start === end) return true;
    return end > start ? minute >= start && minute < end : minute >= start;
  });
}
