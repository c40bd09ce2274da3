/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then the date. */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.round((now.getTime() - t) / 1000);
  if (s < 45) return 'just now';
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d === 1) return 'yesterday';
  if (d < 7) return `${d} days ago`;
  return new Date(t).toISOString().slice(0, 10);
}

/** The state as the Test Chats view words it. */
export function stateLabel(state: string): string {
  switch (state) {
    case 'starting':
      return 'starting';
    case 'connected':
      return 'connected';
    case 'queued':
      return 'in queue';
    case 'agent':
      return 'with agent';
    case 'ended':
      return 'ended';
    case 'failed':
      return 'failed';
    default:
      return state;
  }
}
