import * as vscode from 'vscode';

/** The quick pick shown now by showPick (tests reach it through the internals command). */
let active: vscode.QuickPick<vscode.QuickPickItem> | undefined;
export function activeQuickPick(): vscode.QuickPick<vscode.QuickPickItem> | undefined {
  return active;
}

export interface PickOptions {
  title: string;
  placeholder: string;
  /** Placeholder when the loaded list has no selectable item. */
  empty?: string;
}

export type PickOutcome<T> = { item: T } | { dismissed: true } | { error: unknown };

/**
 * Shows a quick pick at once (busy while `load` runs), searchable by label, description and
 * detail, and resolves with the accepted item, a dismissal, or the load's failure (the pick closes
 * so the caller can explain it).
 */
export async function showPick<T extends vscode.QuickPickItem>(options: PickOptions, load: () => Promise<T[]> | T[]): Promise<PickOutcome<T>> {
  const qp = vscode.window.createQuickPick<T>();
  qp.title = options.title;
  qp.placeholder = options.placeholder;
  qp.matchOnDetail = true;
  qp.matchOnDescription = true;
  qp.busy = true;
  active = qp;
  try {
    return await new Promise<PickOutcome<T>>((resolve) => {
      let settled = false;
      const finish = (v: PickOutcome<T>): void => {
        if (settled) return;
        settled = true;
        resolve(v);
        qp.hide();
      };
      qp.onDidAccept(() => {
        const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
        if (chosen && chosen.kind !== vscode.QuickPickItemKind.Separator) finish({ item: chosen });
      });
      qp.onDidHide(() => finish({ dismissed: true }));
      qp.show();
      Promise.resolve()
        .then(load)
        .then(
          (items) => {
            if (settled) return;
            qp.items = items;
            const current = items.find((i) => i.picked);
            if (current) qp.activeItems = [current];
            if (options.empty && !items.some((i) => i.kind !== vscode.QuickPickItemKind.Separator)) qp.placeholder = options.empty;
            qp.busy = false;
          },
          (error: unknown) => finish({ error }),
        );
    });
  } finally {
    if (active === (qp as unknown)) active = undefined;
    qp.dispose();
  }
}
