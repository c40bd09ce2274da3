import { WorkspaceFileError, describe, isObject, parseJsonFile } from './workspaceFile';

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

/** Checks a list of hours, so a bad option or file fails with the field named. */
export function validateHours(list: unknown, where = 'hoursOfOperation'): HoursOfOperation[] {
  if (!Array.isArray(list)) throw new WorkspaceFileError(`${where} must be an array of hours of operation.`);
  list.forEach((h: unknown, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(h)) throw new WorkspaceFileError(`${at} must be an object {HoursOfOperationId, TimeZone, Config}.`);
    if (typeof h.HoursOfOperationId !== 'string' || h.HoursOfOperationId === '') throw new WorkspaceFileError(`${at}.HoursOfOperationId must be a non-empty string.`);
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: String(h.TimeZone) });
    } catch {
      throw new WorkspaceFileError(`${at}.TimeZone "${String(h.TimeZone)}" is not an IANA time zone (e.g. "Europe/Berlin").`);
    }
    if (typeof h.TimeZone !== 'string') throw new WorkspaceFileError(`${at}.TimeZone must be an IANA time zone name.`);
    if (!Array.isArray(h.Config)) throw new WorkspaceFileError(`${at}.Config must be an array of {Day, StartTime, EndTime}.`);
    h.Config.forEach((c: unknown, j) => {
      if (!isObject(c) || typeof c.Day !== 'string' || !days.includes(c.Day)) throw new WorkspaceFileError(`${at}.Config[${j}].Day must be one of ${days.join(', ')}.`);
      for (const key of ['StartTime', 'EndTime'] as const) {
        const t = c[key];
        const ok = isObject(t) && Number.isInteger(t.Hours) && Number.isInteger(t.Minutes) && (t.Hours as number) >= 0 && (t.Hours as number) <= 23 && (t.Minutes as number) >= 0 && (t.Minutes as number) <= 59;
        if (!ok) throw new WorkspaceFileError(`${at}.Config[${j}].${key} must be {"Hours": 0-23, "Minutes": 0-59}.`);
      }
    });
  });
  return list as HoursOfOperation[];
}

/** Parses the hours file (`hours-of-operation.json`): `{"hoursOfOperation": [ ... ]}`. */
export function parseHoursFile(text: string, fileName: string): HoursOfOperation[] {
  const doc = parseJsonFile(text, fileName);
  if (!isObject(doc) || !Array.isArray(doc.hoursOfOperation)) {
    throw new WorkspaceFileError(`${fileName}: expected {"hoursOfOperation": [ ... ]}, got ${describe(doc)} without a "hoursOfOperation" array.`);
  }
  return validateHours(doc.hoursOfOperation, `${fileName}: hoursOfOperation`);
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
